"""A batch in the audit log, in chromium: one row that opens to its entries (no script
needed), and its link narrowing the log to them in place."""

import re

import pytest
from playwright.sync_api import expect

from tests.audit.test_batch_rows import _batch, _single
from tests.fixtures.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_a_batch_row_opens_to_its_entries_and_filters_the_log(logged_in_page, editor_user):
    _single(editor_user, "Lone bank")
    batch_id = _batch(editor_user, 33, failed=3)
    page = logged_in_page("viewer")
    page.goto("/audit/")
    rows = page.locator(".audit-table > tbody > tr")
    expect(rows).to_have_count(2)
    batch = page.locator("tr.batch-row")
    expect(batch.locator(".batch-counts")).to_have_text(re.compile(r"30\s+succeeded\s+3\s+failed"))
    entries = batch.locator(".batch-entries li")
    expect(entries.first).to_be_hidden()
    batch.locator("summary").click()
    expect(entries).to_have_count(33)
    expect(entries.last).to_be_visible()
    expect(entries.last).to_contain_text("failed")
    save_screenshot(page, "audit-batch-row-open")
    page.evaluate("window.__sameDocument = true")
    batch.get_by_role("link", name="Entries").click()
    expect(page).to_have_url(re.compile(rf"/audit/\?batch={batch_id}$"))
    expect(rows).to_have_count(33)
    expect(page.locator("tr.batch-row")).to_have_count(0)
    assert page.evaluate("window.__sameDocument === true")


def test_the_sort_link_sets_the_sort_select_and_the_next_filter_keeps_it(
    logged_in_page, editor_user, admin_user
):
    _single(editor_user, "First bank")
    _single(admin_user, "Second bank")
    _single(editor_user, "Third bank")
    page = logged_in_page("viewer")
    page.goto("/audit/")
    page.get_by_role("link", name="Newest first ▼").click()
    expect(page).to_have_url(re.compile(r"/audit/\?sort=oldest$"))
    expect(page.locator(".audit-table > tbody > tr").first).to_contain_text("First bank")
    expect(page.locator("#audit-filters select[name=sort]")).to_have_value("oldest")
    page.select_option("#audit-filters select[name=actor]", editor_user.get_username())
    expect(page).to_have_url(re.compile(r"actor=.*sort=oldest|sort=oldest.*actor="))
    rows = page.locator(".audit-table > tbody > tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("First bank")
