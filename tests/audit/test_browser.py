"""The audit log in a real browser: filters narrow the log in place and live in the URL."""

import re

import pytest
from playwright.sync_api import expect

from audit.models import Action, Outcome
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcome
from tests.fixtures.browser import hold_requests, release_late, save_screenshot, wait_until_held

pytestmark = pytest.mark.browser


def _entry(actor, name: str, outcome: Outcome) -> None:
    target = Target(connector_uuid=f"00000000-0000-4000-8000-{len(name):012d}", connector_name=name)
    intent = Intent(Action.CONNECTOR_DISABLE, target, {"hidden": False}, {"hidden": True})
    sealed = audit_record_intents(actor=actor, intents=[intent], reason="why", request_meta=None)
    audit_record_outcome(sealed.entries[0], Result(outcome))


def test_filters_update_in_place_and_survive_a_reload(logged_in_page, editor_user):
    _entry(editor_user, "Banque Alpha", Outcome.SUCCEEDED)
    _entry(editor_user, "Banque Beta Failing", Outcome.FAILED)
    page = logged_in_page("viewer")
    page.goto("/audit/")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator(".result-count")).to_contain_text("2 entries")
    page.select_option("select[name=outcome]", "failed")
    expect(page).to_have_url(re.compile(r"/audit/\?outcome=failed$"))
    expect(page.locator(".result-count")).to_contain_text("1 entry")
    expect(page.locator(".audit-table tbody")).to_contain_text("Banque Beta Failing")
    assert page.evaluate("window.__sameDocument === true")
    save_screenshot(page, "audit-log-filtered")
    page.reload()
    expect(page.locator("select[name=outcome]")).to_have_value("failed")
    expect(page.locator(".result-count")).to_contain_text("1 entry")


def test_a_late_filter_answer_never_overwrites_a_newer_sort(logged_in_page, editor_user):
    _entry(editor_user, "Banque Alpha", Outcome.SUCCEEDED)
    _entry(editor_user, "Banque Beta Failing", Outcome.FAILED)
    page = logged_in_page("viewer")
    page.goto("/audit/")
    held = hold_requests(page, re.compile(r"/audit/\?"), lambda r: "outcome=failed" in r.url)
    page.select_option("select[name=outcome]", "failed")
    wait_until_held(page, held, "the outcome filter")
    page.click(".result-count a[href*='sort=oldest']")
    expect(page).to_have_url(re.compile(r"/audit/\?sort=oldest$"))
    release_late(page, held[0])
    expect(page).to_have_url(re.compile(r"/audit/\?sort=oldest$"))
    expect(page.locator(".result-count")).to_contain_text("2 entries")
