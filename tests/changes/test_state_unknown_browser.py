"""A lost answer in a real browser: the row changes in place to "state unknown" with "Check
again", the detail page says so too, and "Check again" shows the real state in place."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.changes.conftest import disable_batch
from tests.fixtures.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_state_unknown_then_check_again_from_the_list(
    logged_in_page, small_catalogue, lose_answer, faults
):
    bnp = small_catalogue[0]
    lose_answer("E3", "update_connector", "E2")
    page = logged_in_page("editor")
    page.goto("/connectors/")
    cell = page.locator(f"#row-state-{bnp['uuid']}")
    cell.locator("summary").click()
    cell.locator("input[name=reason]").fill("Bank outage, ticket 12")
    cell.locator("button[type=submit]").click()
    cell = page.locator(f"#row-state-{bnp['uuid']}")
    expect(cell.locator(".badge-warn").first).to_have_text("state unknown")
    expect(cell).to_contain_text("could not be read back")
    expect(cell.locator("button")).to_have_text("Check again BNP Paribas")
    save_screenshot(page, "state-unknown-row")

    page.goto(f"/connectors/{bnp['uuid']}/")
    expect(page.locator("#connector-badges")).to_contain_text("state unknown")
    panel = page.locator("#connector-actions-panel")
    expect(panel).to_contain_text("State unknown. Powens did not answer clearly")
    save_screenshot(page, "state-unknown-detail")

    faults.clear()
    panel.locator("button", has_text="Check again").click()
    expect(page.locator("#connector-actions-panel .message").first).to_contain_text(
        "Checked again with Powens: the change succeeded"
    )
    expect(page.locator("#connector-badges")).to_contain_text("disabled on this domain")
    expect(page.locator("#connector-badges")).not_to_contain_text("state unknown")
    expect(page.locator("#connector-actions-panel button[type=submit]")).to_have_text(
        "Enable connector"
    )
    save_screenshot(page, "state-unknown-checked")


def test_a_batch_result_with_unknown_connectors(
    logged_in_page, small_catalogue, lose_answer, faults
):
    page = logged_in_page("editor")
    uuids = [c["uuid"] for c in small_catalogue if not c["hidden"]][:3]
    lose_answer("E4", "batch_update_connectors", "E1")
    result = disable_batch(get_user_model().objects.get(username="browser-editor"), uuids)
    page.goto(f"/changes/batch/{result.batch_id}/")
    expect(page.locator("#state-unknown-heading")).to_have_text("State unknown: 3 connectors")
    save_screenshot(page, "state-unknown-batch")
    faults.clear()
    page.locator("button", has_text="Check again").click()
    expect(page.locator("h1")).to_contain_text("all 3 succeeded")
    expect(page.locator("body")).to_contain_text("3 changes resolved (3 succeeded, 0 failed)")
    expect(page.locator("#state-unknown-heading")).to_have_count(0)
    save_screenshot(page, "state-unknown-batch-checked")
