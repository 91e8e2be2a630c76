"""Several domains in a real browser: switch domain, compare, promote three connectors, and
find them in the audit log under the target domain."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from connectors_ui.compare.selectors import CompareQuery, compare_domains, connector_names
from sandbox.domains import sandbox_domain_scope
from sandbox.models import SandboxConnector
from tests.fixtures.browser import save_screenshot
from tests.fixtures.domains import PRODUCTION, SANDBOX

pytestmark = pytest.mark.browser
SHOTS = Path("/work/shots/i12-domains")


def _shot(page, name: str) -> None:
    """The page at desktop and phone widths (kept with the test artifacts, and for review)."""
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = save_screenshot(page, f"domains-{name}-{width}")
        if SHOTS.parent.is_dir():
            SHOTS.mkdir(exist_ok=True)
            (SHOTS / path.name).write_bytes(path.read_bytes())
    page.set_viewport_size({"width": 1440, "height": 900})


def test_switch_compare_promote_three_and_find_them_in_the_audit_log(logged_in_page, two_domains):
    page = logged_in_page("editor")
    page.goto("/connectors/")
    page.locator(".domain-switcher summary").click()
    page.get_by_role("link", name="Demo production").click()
    page.wait_for_url(f"**/d/{PRODUCTION}/connectors/")
    expect(page.locator(".production-bar")).to_contain_text("Production")
    _shot(page, "production-list")

    page.get_by_role("link", name="Compare", exact=True).click()
    page.select_option("select[name=source]", SANDBOX)
    page.select_option("select[name=target]", PRODUCTION)
    page.select_option("select[name=kind]", "state")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".compare-table tbody tr").first).to_be_visible()
    _shot(page, "compare")
    boxes = page.locator(".compare-table input[name=uuids]")
    uuids = [boxes.nth(i).get_attribute("value") for i in range(3)]
    for i in range(3):
        boxes.nth(i).check()
    page.get_by_role("button", name="the selected connectors…").click()

    expect(page.locator("h1")).to_contain_text("Demo production (production)")
    page.fill("#promote-reason", "Align production with the sandbox")
    page.fill("#confirm-domain", PRODUCTION)
    _shot(page, "promote-preview")
    page.get_by_role("button", name="Promote 3 connectors").click()
    expect(page.locator("h1")).to_contain_text("all 3 succeeded")
    assert f"/d/{PRODUCTION}/changes/batch/" in page.url
    _shot(page, "promote-result")
    with sandbox_domain_scope(PRODUCTION):
        production = dict(
            SandboxConnector.objects.filter(uuid__in=uuids).values_list("uuid", "hidden")
        )
    with sandbox_domain_scope(SANDBOX):
        sandbox = dict(
            SandboxConnector.objects.filter(uuid__in=uuids).values_list("uuid", "hidden")
        )
    assert production == sandbox

    page.get_by_role("link", name="Back to the comparison").click()
    left = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION, kind="state")).rows
    assert not {d.uuid for d in left} & set(uuids)

    page.goto(f"/audit/?domain={PRODUCTION}")
    rows = page.locator("#audit-results")
    expect(rows).to_contain_text("Align production with the sandbox")
    names = connector_names(uuids, domains=[PRODUCTION])
    for uuid in uuids:
        expect(rows).to_contain_text(names[uuid])
    expect(rows.locator(".domain-tag").first).to_have_text(PRODUCTION)
    _shot(page, "audit-production")


def test_rows_ticked_on_one_domain_are_not_selected_on_the_other(logged_in_page, two_domains):
    """A connector has the same uuid on both domains: the sandbox's ticks stay the sandbox's,
    or a switch would turn them into a production batch."""
    page = logged_in_page("editor")
    page.goto("/connectors/")
    boxes = page.locator("input[name=uuids][form=batch-form]")
    ticked = [boxes.nth(i).get_attribute("value") for i in range(2)]
    for i in range(2):
        boxes.nth(i).check()
    counter = page.locator("[data-selected-count]")
    expect(counter).to_have_text("2 selected on this page.")
    page.goto(f"/d/{PRODUCTION}/connectors/")
    expect(page.locator(".production-bar")).to_be_visible()
    shared = page.locator(f'input[name=uuids][form=batch-form][value="{ticked[0]}"]')
    expect(shared).to_have_count(1)  # the same connector is listed here too
    expect(page.locator("input[name=uuids][form=batch-form]:checked")).to_have_count(0)
    expect(counter).to_have_text("")
    page.goto(f"/d/{SANDBOX}/connectors/")  # the default domain under its own name
    expect(counter).to_have_text("2 selected on this page.")
