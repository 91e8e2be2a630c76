"""Downloading a report from the pages in a real browser, after filtering in place (htmx)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from audit.models import Action, AuditEntry
from tests.exports.conftest import parse
from tests.fixtures.browser import pick_filter

pytestmark = pytest.mark.browser
FILE_NAME = re.compile(r"powens-demo-sandbox-(connectors|sources)-\d{8}T\d{6}Z\.csv")


def test_filter_in_place_then_download_the_view(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    pick_filter(page, "country", "fr")
    expect(page).to_have_url(re.compile(r"country=fr"))
    page.get_by_role("link", name="Name").first.click()  # sort by name, descending
    expect(page).to_have_url(re.compile(r"sort=-name"))
    total = int(re.sub(r"\D", "", page.locator(".result-count strong").inner_text()))
    shown = page.locator("#results-table tbody tr td:first-child a").all_inner_texts()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Connectors CSV").click()
    download = download_info.value
    assert FILE_NAME.fullmatch(download.suggested_filename)
    rows = parse(Path(download.path()).read_bytes())
    assert len(rows) == total > 50 and [r["name"] for r in rows[: len(shown)]] == shown
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["query_string"] in ("country=fr&sort=-name", "sort=-name&country=fr")
    assert entry.details["row_count"] == total and entry.actor_username == "browser-viewer"


def test_detail_page_downloads_its_sources(logged_in_page, small_catalogue):
    page = logged_in_page("editor")
    page.goto("/connectors/f711dd7a-6289-5bda-b3a4-f2febda8c046/")
    with page.expect_download() as download_info:
        page.locator(".exports").get_by_role("link", name="Sources CSV").click()
    rows = parse(Path(download_info.value.path()).read_bytes())
    assert [r["name"] for r in rows] == ["openapi", "directaccess", "fallback"]
    assert [r["state"] for r in rows] == ["enabled", "disabled", "enabled"]
