"""A revert on a domain that needs approval, in a real browser: the batch's revert preview
proposes it, someone else approves and applies it, and Powens is back as before the batch.
Pictures of the governance pages and the preview at desktop and phone widths on the way."""

import pytest
from playwright.sync_api import Page, expect

from governance.models import ChangeRequest
from sandbox.backend import get_connector
from tests.changes.conftest import disable_batch
from tests.fixtures.browser import save_screenshot

pytestmark = pytest.mark.browser
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def _pictures(page: Page, name: str) -> None:
    """The page at both widths; on the phone it never scrolls sideways."""
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, size)
        save_screenshot(page, f"{name}-{size}")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_propose_a_revert_approve_as_someone_else_apply(
    logged_in_page, small_catalogue, make_user, settings
):
    bnp, ca, bourso = small_catalogue[0], small_catalogue[1], small_catalogue[2]
    night = make_user("editor", username="night-shift")
    original = disable_batch(night, [bnp["uuid"], ca["uuid"]])
    settings.CHANGE_APPROVAL_POLICY = {"demo-sandbox": "approval"}

    page = logged_in_page("editor")
    page.goto(f"/audit/batches/{original.batch_id}/")
    page.get_by_role("link", name="Revert this batch…").click()
    expect(page.locator("h1")).to_contain_text("Preview revert: 2 connectors")
    expect(page.locator("#revert-confirm")).to_contain_text("This domain needs approval")
    _pictures(page, "revert-preview-approval")
    page.fill("#revert-reason", "Undo the night's batch")
    page.get_by_role("button", name="Propose: Revert 2 connectors (needs approval)").click()
    expect(page.locator(".messages")).to_contain_text("proposed: it applies once another editor")
    request = ChangeRequest.objects.get()
    expect(page.locator("h1")).to_contain_text("Revert 2 of batch")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not their own
    assert get_connector(bnp["uuid"])["hidden"] is True  # nothing written yet

    page.context.clear_cookies()
    page = logged_in_page("admin")
    page.goto("/changes/requests/?tab=approve")
    _pictures(page, "change-requests")
    page.get_by_role("link", name="Revert 2 of batch").click()
    page.locator("#approve-comment").fill("checked: the batch was a mistake")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text(f"Request #{request.pk} approved.")
    page.get_by_role("button", name="Apply now").click()
    expect(page.locator("main")).to_contain_text("2 succeeded")
    _pictures(page, "revert-request-applied")
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert get_connector(ca["uuid"])["hidden"] is False
    assert get_connector(bourso["uuid"])["hidden"] is True  # hidden before the batch
    page.goto("/changes/scheduled/")
    _pictures(page, "scheduled-changes")
