"""Revert a batch in a real browser: from the batch's audit page, through the preview and the
confirmation, to the revert's result, with the links both ways."""

import pytest
from playwright.sync_api import expect

from sandbox.backend import get_connector
from tests.changes.conftest import disable_batch
from tests.fixtures.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_revert_a_batch(logged_in_page, small_catalogue, make_user):
    bnp, ca, bourso = small_catalogue[0], small_catalogue[1], small_catalogue[2]
    original = disable_batch(make_user("editor", username="night-shift"), [bnp["uuid"], ca["uuid"]])
    page = logged_in_page("editor")
    page.goto(f"/audit/batches/{original.batch_id}/")
    page.get_by_role("link", name="Revert this batch…").click()
    expect(page.locator("h1")).to_contain_text("Preview revert: 2 connectors back to their state")
    expect(page.locator(".batch-items")).to_contain_text("BNP Paribas")
    save_screenshot(page, "revert-preview")
    page.fill("#revert-reason", "Undo the night's batch")
    page.get_by_role("button", name="Revert 2 connectors").click()
    expect(page.locator("h1")).to_contain_text("Batch enable of 2 connectors: all 2 succeeded")
    expect(page.get_by_text("This reverts batch")).to_be_visible()
    save_screenshot(page, "revert-result")
    page.get_by_role("link", name=f"batch {original.batch_id}").first.click()
    expect(page.get_by_text("Reverted by batch")).to_be_visible()
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert get_connector(ca["uuid"])["hidden"] is False
    assert get_connector(bourso["uuid"])["hidden"] is True  # hidden before the batch: untouched
