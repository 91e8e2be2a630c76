"""axe-core in Chromium on every page: no serious or critical violation.

axe is injected with ``page.evaluate`` (DevTools protocol), which the page's CSP does not
govern, so the pages are audited exactly as served, CSP included.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.trust.hostile import load_world

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_login_page_has_no_serious_violations(browser_page):
    browser_page.goto("/accounts/login/")
    assert violations(browser_page) == []
    browser_page.fill("#id_username", "nobody")
    browser_page.fill("#id_password", "wrong")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector("#login-error")
    assert violations(browser_page) == []


def test_every_signed_in_page_has_no_serious_violations(logged_in_page, small_sandbox, make_user):
    world = load_world(small_sandbox, make_user("editor", username="axe-editor"))
    page = logged_in_page("editor")
    uuid = small_sandbox[0]["uuid"]
    entry = world["entries"][-1]
    found = {}
    for url in (
        "/connectors/",
        "/connectors/?q=bank&country=fr&sort=-name",
        "/connectors/?country=zz&state=bogus",
        f"/connectors/{uuid}/",
        f"/connectors/{world['uuids'][-1]}/",
        "/connectors/not-a-connector/",
        "/audit/",
        "/audit/?outcome=refused",
        "/audit/?outcome=bogus&date_from=2020-13-01",
        f"/audit/{entry}/",
        f"/audit/batches/{world['batch_id']}/",
        f"/changes/batch/{world['batch_id']}/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
    ):
        page.goto(url)
        found[url] = violations(page)
    page.goto("/connectors/")
    for checkbox in page.locator("input[name=uuids]").all()[:2]:
        checkbox.check()
    page.click("text=Preview changes")  # no direction chosen: the page asks for one
    page.wait_for_url("**/changes/batch/preview/")
    found["batch direction"] = violations(page)
    page.check("#batch-direction input[name=enabled][value='1']")
    page.click("#batch-direction button[type=submit]")
    page.wait_for_selector("h1:has-text('Preview: enable')")
    found["batch preview"] = violations(page)
    assert {url: v for url, v in found.items() if v} == {}


def test_the_403_page_has_no_serious_violations(logged_in_page):
    page = logged_in_page(None)  # signed in, no role: every dashboard page is refused
    response = page.goto("/connectors/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed"
    assert violations(page) == []
