"""A batch selection in a real browser is kept across pages, filters and reloads, counted,
clearable, and private to its tab; the preview lists exactly the selected connectors
(issue 10, item 12: it used to be dropped silently on "Next")."""

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.backend import get_connector
from tests.fixtures.browser import pick_filter
from tests.fixtures.catalogue import connector_dict

pytestmark = pytest.mark.browser


@pytest.fixture
def sixty(load_connectors) -> list[dict]:
    """Two list pages (50 a page): Bank 00 … Bank 59, the even ones in Germany."""
    connectors = [
        connector_dict(f"Bank {i:02d}", countries=[{"id": "de" if i % 2 == 0 else "fr"}])
        for i in range(60)
    ]
    load_connectors(connectors)
    return connectors


def tick(page: Page, *names: str) -> list[str]:
    """Tick these rows; their UUIDs."""
    uuids = []
    for name in names:
        box = page.get_by_role("checkbox", name=f"Select {name}", exact=True)
        box.check()
        uuids.append(box.get_attribute("value"))
    return uuids


def count(page: Page):
    return page.locator("[data-selected-count]")


def preview_uuids(page: Page) -> list[str]:
    return page.locator(".batch-items td:nth-child(2) code").all_inner_texts()


def test_a_selection_made_on_two_pages_is_previewed_whole(logged_in_page, sixty):
    page = logged_in_page("editor")
    page.goto("/connectors/")
    chosen = tick(page, "Bank 01", "Bank 02")
    expect(count(page)).to_have_text("2 selected on this page.")
    page.locator("a[rel=next]").first.click()
    expect(page.locator(".pagination span")).to_contain_text("Page 2 of 2")
    expect(count(page)).to_have_text("2 selected: 0 on this page, 2 on other pages or filters.")
    chosen += tick(page, "Bank 55")
    expect(count(page)).to_have_text("3 selected: 1 on this page, 2 on other pages or filters.")
    page.locator("#batch-form").get_by_label("Disable").check()
    page.get_by_role("button", name="Preview changes…").click()
    expect(page.locator("h1")).to_have_text("Preview: disable 3 connectors")
    assert sorted(preview_uuids(page)) == sorted(chosen)
    page.get_by_role("link", name="Cancel").click()  # back to page 2: still selected
    expect(count(page)).to_have_text("3 selected: 1 on this page, 2 on other pages or filters.")
    expect(page.get_by_role("checkbox", name="Select Bank 55", exact=True)).to_be_checked()


def test_a_selection_survives_filters_and_reloads_and_clears(logged_in_page, sixty):
    page = logged_in_page("editor")
    page.goto("/connectors/")
    tick(page, "Bank 01", "Bank 02")
    pick_filter(page, "country", "de")  # Bank 01 is French: filtered out
    expect(page).to_have_url(re.compile(r"country=de"))
    expect(count(page)).to_have_text("2 selected: 1 on this page, 1 on other pages or filters.")
    page.reload()
    expect(count(page)).to_have_text("2 selected: 1 on this page, 1 on other pages or filters.")
    expect(page.get_by_role("checkbox", name="Select Bank 02", exact=True)).to_be_checked()
    clear = page.get_by_role("button", name="Clear selection")
    clear.click()
    expect(count(page)).to_have_text("")
    expect(clear).to_be_hidden()
    expect(page.locator("input[name=uuids]:checked")).to_have_count(0)
    pick_filter(page, "country", "")
    expect(page.get_by_role("checkbox", name="Select Bank 01", exact=True)).not_to_be_checked()


def test_the_page_box_ticks_and_unticks_this_page_only(logged_in_page, sixty):
    page = logged_in_page("editor")
    page.goto("/connectors/?page=2")
    tick(page, "Bank 50")
    page.goto("/connectors/")
    page.check("[data-select-page]")
    expect(count(page)).to_have_text("51 selected: 50 on this page, 1 on other pages or filters.")
    page.uncheck("[data-select-page]")
    expect(count(page)).to_have_text("1 selected: 0 on this page, 1 on other pages or filters.")


def test_two_tabs_keep_their_own_selections(logged_in_page, sixty):
    first = logged_in_page("editor")
    first.goto("/connectors/")
    tick(first, "Bank 01", "Bank 02")
    second = first.context.new_page()
    second.goto("/connectors/")
    expect(second.locator("input[name=uuids]:checked")).to_have_count(0)
    expect(count(second)).to_have_text("")
    tick(second, "Bank 03")
    first.reload()
    expect(count(first)).to_have_text("2 selected on this page.")
    expect(first.get_by_role("checkbox", name="Select Bank 03", exact=True)).not_to_be_checked()


def test_a_finished_batch_clears_the_selection(logged_in_page, catalogue):
    page = logged_in_page("editor")
    page.goto("/connectors/?state=enabled")
    chosen = page.locator("input[name=uuids]").nth(0).get_attribute("value")
    page.locator("input[name=uuids]").nth(0).check()
    page.locator("a[rel=next]").first.click()
    expect(page.locator(".pagination span")).to_contain_text("Page 2 of")
    second = page.locator("input[name=uuids]").nth(0)
    chosen = [chosen, second.get_attribute("value")]
    second.check()
    page.locator("#batch-form").get_by_label("Disable").check()
    page.get_by_role("button", name="Preview changes…").click()
    assert sorted(preview_uuids(page)) == sorted(chosen)
    page.fill("#batch-reason", "Two banks down")
    page.click("#batch-confirm button[type=submit]")
    expect(page.locator("h1")).to_contain_text("all 2 succeeded")
    assert all(get_connector(uuid)["hidden"] for uuid in chosen)
    page.get_by_role("link", name="Back to the connectors").click()
    expect(page.locator("input[name=uuids]:checked")).to_have_count(0)
    expect(count(page)).to_have_text("")
