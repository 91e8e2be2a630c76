"""The health timeline and the outside-change line in a real browser, under the strict CSP:
the bars are drawn in colour by classes (no inline style, no CSP violation), at desktop and
phone widths."""

from datetime import timedelta
from pathlib import Path

import pytest

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.models import CatalogueConnector, CatalogueSync, HealthTransition
from sandbox.backend import set_connector_hidden
from tests.catalogue.test_health_history import NOW

pytestmark = pytest.mark.browser
SHOTS = Path("/work/shots/i14-observed")


def test_timeline_and_outside_change_on_the_connector_page(logged_in_page, small_catalogue):
    bnp = small_catalogue[0]
    HealthTransition.objects.update(seen_at=NOW - timedelta(days=40))
    set_connector_hidden(bnp["uuid"], True)
    catalogue_refresh(trigger=CatalogueSync.Trigger.TEST)
    row = CatalogueConnector.objects.get(uuid=bnp["uuid"])
    HealthTransition.objects.create(
        connector=row, status="down", seen_at=NOW - timedelta(days=6), since=None
    )
    HealthTransition.objects.create(
        connector=row, status="stable", seen_at=NOW - timedelta(days=5), since=None
    )
    page = logged_in_page("editor")
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"/connectors/{bnp['uuid']}/")
    timeline = page.locator("#health-timeline")
    assert timeline.locator("svg").count() == 1 + len(bnp["sources"])
    fill = timeline.locator("rect.tl-down").first.evaluate("r => getComputedStyle(r).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    summary = page.locator("#connector-summary").inner_text()
    assert "Changed outside the dashboard: Connector disabled on this domain" in summary
    assert not [v for v in violations if "Content Security Policy" in v]
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        for width, height in ((1440, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            for part in ("connector-summary", "health-timeline"):
                page.locator(f"#{part}").screenshot(path=str(SHOTS / f"{part}-{width}.png"))
