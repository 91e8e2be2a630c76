"""Changes in a real browser: toggles update the page in place (no reload), a batch of 50
goes through preview and confirmation."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.backend import get_connector, get_source
from tests.fixtures.browser import hold_requests, release_late, save_screenshot, wait_until_held

pytestmark = pytest.mark.browser


def mark_document(page) -> None:
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_toggle_a_connector_updates_badge_and_history_in_place(logged_in_page, small_catalogue):
    bnp = small_catalogue[0]
    page = logged_in_page("editor")
    page.goto(f"/connectors/{bnp['uuid']}/")
    mark_document(page)
    expect(page.locator("#connector-badges")).to_contain_text("enabled")
    page.fill("#connector-actions-panel input[name=reason]", "Bank outage, ticket 77")
    page.click("#connector-actions-panel button[type=submit]")
    expect(page.locator("#connector-actions-panel .message")).to_have_text(
        "BNP Paribas disabled on this domain."
    )
    expect(page.locator("#connector-badges")).to_contain_text("disabled on this domain")
    expect(page.locator("#connector-summary")).to_contain_text("Bank outage, ticket 77")
    expect(page.locator("#audit-history")).to_contain_text("Bank outage, ticket 77")
    hidden_row = page.locator("#properties tr", has_text="Hidden (disabled on this domain)")
    expect(hidden_row).to_contain_text("yes")
    expect(page.locator("#connector-actions-panel button[type=submit]")).to_have_text(
        "Enable connector"
    )
    assert same_document(page) and get_connector(bnp["uuid"])["hidden"] is True
    save_screenshot(page, "change-connector")


def test_toggle_a_source_in_place(logged_in_page, small_catalogue):
    bnp = small_catalogue[0]
    source = bnp["sources"][0]
    page = logged_in_page("editor")
    page.goto(f"/connectors/{bnp['uuid']}/")
    mark_document(page)
    cell = page.locator(f"#source-state-{source['id']}")
    cell.locator("summary").click()
    expect(cell).to_contain_text("Disabling it hands synchronisation to")
    cell.locator("input[name=reason]").fill("PSD2 API down")
    cell.locator("button[type=submit]").click()
    expect(page.locator(f"#source-state-{source['id']} .badge-bad")).to_have_text("disabled")
    expect(page.locator("#audit-history")).to_contain_text("Disable source")
    # openapi was used first; directaccess is disabled, so fallback takes over.
    expect(page.locator(f"#source-state-{bnp['sources'][2]['id']}")).to_contain_text("used first")
    expect(cell).to_contain_text("Source openapi of BNP Paribas disabled.")
    assert same_document(page) and get_source(bnp["uuid"], source["id"])["disabled"] is not None


def test_a_batch_of_fifty_through_preview_and_confirm(logged_in_page, catalogue):
    page = logged_in_page("editor")
    page.goto("/connectors/?state=enabled")
    page.check("[data-select-page]")
    expect(page.locator("[data-selected-count]")).to_have_text("50 selected on this page.")
    chosen = page.locator("[data-batch-item]:checked").evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )
    assert len(chosen) == 50
    # No direction is pre-selected: previewing without one asks for it, keeping the selection.
    page.click("#batch-form button[type=submit]")
    expect(page.locator(".message-error")).to_have_text("Choose enable or disable.")
    expect(page.locator("#batch-confirm")).to_have_count(0)
    page.check("#batch-direction input[name=enabled][value='0']")
    page.click("#batch-direction button[type=submit]")
    expect(page.locator("h1")).to_have_text("Preview: disable 50 connectors")
    save_screenshot(page, "change-batch-preview")
    page.fill("#batch-reason", "Quarterly clean-up")
    page.fill("#confirm-count", "50")
    page.click("#batch-confirm button[type=submit]")
    expect(page.locator("h1")).to_contain_text("all 50 succeeded")
    expect(page.locator(".audit-table tbody tr")).to_have_count(50)
    expect(page).to_have_url(re.compile(r"/changes/batch/[0-9a-f-]{36}/$"))
    assert all(get_connector(uuid)["hidden"] for uuid in chosen)
    save_screenshot(page, "change-batch-result")


def test_a_search_typed_while_a_row_change_is_on_its_way_does_not_cancel_it(
    logged_in_page, small_catalogue
):
    """The list's search replaces its own requests in flight, never a change being sent."""
    page = logged_in_page("editor")
    page.goto("/connectors/?state=enabled")
    row = page.locator("[id^=row-state-]").first
    uuid = row.get_attribute("id").removeprefix("row-state-")
    held = hold_requests(page, re.compile(r"/connectors/"), lambda r: r.method == "POST")
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("Bank outage, ticket 91")
    row.locator("button[type=submit]").click()
    wait_until_held(page, held, "the change")
    page.fill("[data-search-input]", "zzz")
    expect(page).to_have_url(re.compile(r"q=zzz"))
    release_late(page, held[0])
    assert get_connector(uuid)["hidden"] is True
