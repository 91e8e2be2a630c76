"""The drift runs on the comparison page in a real browser, at desktop and phone widths: the
section reads as a table of runs, the page never scrolls sideways at 390 px, and a run's entry
opens the audit entry that links back to the comparison."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from connectors_ui.catalogue.drift import domain_drift_check
from tests.catalogue.test_drift import _load, differing  # noqa: F401 - fixture
from tests.fixtures.browser import save_screenshot
from tests.fixtures.domains import PRODUCTION, SANDBOX

pytestmark = pytest.mark.browser
SHOTS = Path("/work/shots/i14-drift")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _shot(page, name: str, anchor: str = "") -> None:
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if anchor:
            page.locator(anchor).scroll_into_view_if_needed()
        path = save_screenshot(page, f"drift-{name}-{width}")
        if SHOTS.parent.is_dir():
            SHOTS.mkdir(exist_ok=True)
            (SHOTS / path.name).write_bytes(path.read_bytes())
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_runs_of_the_pair_and_their_entry(logged_in_page, differing):  # noqa: F811
    domain_drift_check(now=NOW)
    production = differing[PRODUCTION]
    production[2]["hidden"] = not production[2]["hidden"]
    production[3]["hidden"] = not production[3]["hidden"]
    _load({PRODUCTION: production})
    domain_drift_check(now=NOW + timedelta(hours=1))
    domain_drift_check(now=NOW + timedelta(hours=2))

    page = logged_in_page("viewer")
    page.goto(f"/compare/?source={SANDBOX}&target={PRODUCTION}")
    runs = page.locator("#drift-runs tbody tr")
    expect(runs).to_have_count(3)
    cells = runs.nth(1).locator("td")  # run 2: 3 differences, one new, one resolved
    expect(cells.nth(0)).to_have_text("#2")
    for column, count in ((2, "3"), (3, "1"), (4, "1")):
        expect(cells.nth(column)).to_have_text(count)
    expect(runs.nth(0).locator("td").nth(5)).to_have_text("nothing new")
    _shot(page, "compare", "#drift-runs")

    runs.nth(1).get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Drift detected")
    _shot(page, "entry")
    page.get_by_role("link", name="Compare the pair").click()
    page.wait_for_url(f"**/compare/?source={SANDBOX}&target={PRODUCTION}")
