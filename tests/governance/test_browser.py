"""Governance in a real browser: an editor proposes, someone else approves and applies; an
editor schedules a maintenance window on a source and the runner carries it out."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import ChangeRequest
from governance.schedules import scheduled_steps_run_due
from sandbox.backend import get_connector, get_source
from tests.fixtures.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_propose_approve_as_someone_else_apply(logged_in_page, small_catalogue, approval_domain):
    bnp = small_catalogue[0]
    page = logged_in_page("editor")
    page.goto(f"/connectors/{bnp['uuid']}/")
    panel = page.locator("#connector-actions-panel")
    expect(panel).to_contain_text("This domain needs approval")
    expect(panel.locator("button[type=submit]")).to_have_text("Propose disabling (needs approval)")
    panel.locator("input[name=reason]").fill("Bank outage, ticket 88")
    panel.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("proposed: it applies once another editor")
    request = ChangeRequest.objects.get()
    assert page.url.endswith(f"/changes/requests/{request.pk}/")
    expect(page.locator("h1")).to_contain_text("Disable BNP Paribas")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not their own
    assert get_connector(bnp["uuid"])["hidden"] is False
    save_screenshot(page, "governance-proposed")

    page.context.clear_cookies()
    page = logged_in_page("admin")
    page.goto("/changes/requests/?tab=approve")
    page.get_by_role("link", name="Disable BNP Paribas").click()
    page.locator("#approve-comment").fill("checked with the bank")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text(f"Request #{request.pk} approved.")
    page.get_by_role("button", name="Apply now").click()
    expect(page.locator(".messages")).to_contain_text("applied")
    expect(page.locator("main")).to_contain_text("1 succeeded")
    expect(page.locator("main")).to_contain_text("approval approved by browser-admin")
    assert get_connector(bnp["uuid"])["hidden"] is True
    save_screenshot(page, "governance-applied")


def test_schedule_a_maintenance_window(logged_in_page, small_catalogue):
    bnp = small_catalogue[0]
    page = logged_in_page("editor")
    page.goto(f"/connectors/{bnp['uuid']}/#schedule")
    panel = page.locator("#schedule")
    expect(panel).to_contain_text("Nothing scheduled")
    start = (timezone.now() + timedelta(days=2)).astimezone(timezone.get_fixed_timezone(0))
    panel.locator("select[name=target]").select_option("101")
    panel.locator("select[name=when]").select_option("window")
    panel.locator("input[name=starts_at]").fill(start.strftime("%Y-%m-%dT02:00"))
    panel.locator("input[name=ends_at]").fill(start.strftime("%Y-%m-%dT04:00"))
    panel.locator("select[name=time_zone]").select_option("Europe/Paris")
    panel.locator("input[name=reason]").fill("Bank maintenance Saturday 02:00-04:00")
    panel.get_by_role("button", name="Schedule").click()
    expect(page.locator(".messages")).to_contain_text("Scheduled: Disable source openapi")
    expect(page.locator("main")).to_contain_text("Europe/Paris")
    request = ChangeRequest.objects.get()
    start_step, end_step = request.steps.order_by("due_at")
    assert end_step.due_at - start_step.due_at == timedelta(hours=2)
    save_screenshot(page, "governance-window-scheduled")

    page.goto("/changes/scheduled/")
    expect(page.locator("tbody tr")).to_have_count(2)
    scheduled_steps_run_due(now=start_step.due_at)
    assert get_source(bnp["uuid"], 101)["disabled"] is not None
    page.goto(f"/connectors/{bnp['uuid']}/#schedule")
    expect(page.locator("#schedule")).to_contain_text("Done")
    expect(page.locator("#schedule")).to_contain_text("Upcoming")
    page.goto("/changes/scheduled/?tab=done")
    expect(page.locator("tbody")).to_contain_text("1 changed, 0 skipped")
    save_screenshot(page, "governance-scheduled-done")
