"""Stability in the list: the rule (own status, else the worst enabled source), the column, the
filter, the sort by severity, odd values, and the state pills that must read at a glance."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectors_ui.catalogue.stability import connector_stability, stability_of
from connectors_ui.models import CatalogueConnector, CatalogueSource
from tests.catalogue.test_list_view import result_names
from tests.fixtures.catalogue import connector_dict


def _powens_time(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).strftime("%Y-%m-%d %H:%M:%S")


def _stability(status, ago=timedelta(hours=2)):
    return {"status": status, "last_update": _powens_time(ago)}


def _source(source_id, name, priority, *, stability=None, disabled=None):
    source = {"id": source_id, "name": name, "priority": priority, "disabled": disabled}
    if stability is not None:
        source["stability"] = stability
    return source


def _catalogue() -> list[dict]:
    """The six connectors, their times counted from now: built once at import, a test run
    minutes later (a long PostgreSQL leg in random order) read "for 6 minutes"."""
    return [
        connector_dict("Alpha Stable", stability=_stability("stable")),
        connector_dict("Bravo Down", stability=_stability("down", timedelta(days=3))),
        # No stability of its own: the worst of its *enabled* sources (the disabled one is down).
        connector_dict(
            "Charlie Derived",
            sources=[
                _source(901, "openapi", 0, stability=_stability("unstable", timedelta(minutes=5))),
                _source(902, "directaccess", 1, stability=_stability("stable")),
                _source(
                    903, "fallback", 2, stability=_stability("down"), disabled="2026-01-01 00:00:00"
                ),
            ],
        ),
        connector_dict("Delta Odd", stability={"status": "<b>degraded</b>", "last_update": 7}),
        connector_dict("Echo Nothing"),
        connector_dict(
            "Foxtrot Hidden", hidden=True, restricted=True, stability=_stability("stable")
        ),
    ]


ALL = _catalogue()
ALPHA, BRAVO, CHARLIE, DELTA, ECHO, FOXTROT = ALL


@pytest.fixture
def copy(load_connectors):
    load_connectors(_catalogue())


def _row(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_the_rule_own_status_else_worst_enabled_source_else_unknown():
    assert stability_of({"status": "Down ", "last_update": "x"}).level == "down"
    assert stability_of({"status": 5}).level == "unknown"
    assert stability_of("weird").level == "unknown" and stability_of(None).received is None
    odd = stability_of({"status": "degraded"})
    assert (odd.level, odd.received, odd.is_odd) == ("unknown", "degraded", True)
    raw = [(False, {"status": "unstable"}), (True, {"status": "down"}), (False, None)]
    sources = [(disabled, stability_of(value)) for disabled, value in raw]
    assert connector_stability(None, sources).level == "unstable"
    assert connector_stability({"status": "stable"}, sources).level == "stable"  # its own wins
    assert connector_stability({"last_update": "2026-07-29 19:26:59"}, []).level == "unknown"
    since = connector_stability(
        None, [(False, stability_of({"status": "down", "last_update": "2026-07-29 19:26:59"}))]
    )
    assert since.since == datetime(2026, 7, 29, 19, 26, 59, tzinfo=UTC)


def test_list_shows_stability_in_words_with_how_long(viewer_client, copy):
    html = viewer_client.get("/connectors/").content.decode()
    assert ">Stability</a></th>" in html
    bravo = _row(html, "Bravo Down")
    assert '<b class="bad">down</b>' in bravo
    assert 'title="since ' in bravo and ">for 3 days</time>" in bravo
    charlie = _row(html, "Charlie Derived")
    assert '<b class="warn">unstable</b>' in charlie
    assert ">for 5 minutes</time>" in charlie
    # Stable is the usual case: the row says so, and how long only for the other levels.
    alpha = _row(html, "Alpha Stable")
    assert "<b>stable</b>" in alpha and "<time" not in alpha
    # An unknown value shows as "unknown", says what Powens sent, escaped; a bad date is left out.
    delta = _row(html, "Delta Odd")
    assert '<b class="n">unknown</b>' in delta
    assert "Powens sent “&lt;b&gt;degraded&lt;/b&gt;”" in delta and "<b>degraded" not in html
    assert "<time" not in delta
    assert '<b class="n">unknown</b>' in _row(html, "Echo Nothing")


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("down", ["Bravo Down"]),
        ("unstable", ["Charlie Derived"]),
        ("unknown", ["Delta Odd", "Echo Nothing"]),
        ("stable", ["Alpha Stable", "Foxtrot Hidden"]),
    ],
)
def test_filter_by_stability(viewer_client, copy, level, expected):
    html = viewer_client.get("/connectors/", {"stability": level}).content.decode()
    assert result_names(html) == expected


def test_stability_facet_counts_follow_the_other_filters(viewer_client, copy):
    html = viewer_client.get("/connectors/", {"state": "enabled"}).content.decode()
    facet = html.split('<select name="stability" multiple', 1)[1].split("</select>", 1)[0]
    assert 'aria-label="Stability"' in facet  # none selected: any
    assert '<option value="down">down (1)</option>' in facet
    assert '<option value="unknown">unknown (2)</option>' in facet
    assert '<option value="stable">stable (1)</option>' in facet  # Foxtrot is not enabled


def test_unknown_stability_filter_is_ignored_with_a_message(viewer_client, copy):
    html = viewer_client.get("/connectors/", {"stability": "<b>bad"}).content.decode()
    assert "“&lt;b&gt;bad” is not a valid stability filter" in html
    assert len(result_names(html)) == len(ALL)


def test_sort_by_severity_worst_first_then_name(viewer_client, copy):
    html = viewer_client.get("/connectors/", {"sort": "stability"}).content.decode()
    assert result_names(html) == [
        "Bravo Down",
        "Charlie Derived",
        "Delta Odd",
        "Echo Nothing",
        "Alpha Stable",
        "Foxtrot Hidden",
    ]
    assert 'aria-sort="ascending"' in html and 'href="?sort=-stability"' in html
    reverse = viewer_client.get("/connectors/", {"sort": "-stability"}).content.decode()
    names = result_names(reverse)
    assert names[0] == "Foxtrot Hidden" and names[-1] == "Bravo Down"


def test_state_pills_read_at_a_glance(viewer_client, load_connectors):
    gone = connector_dict("Golf Removed")
    load_connectors([*ALL, gone])
    load_connectors(ALL)  # Golf is no longer listed: removed
    html = viewer_client.get("/connectors/").content.decode()
    foxtrot = _row(html, "Foxtrot Hidden")
    # Disabled on this domain: its own grey pill, not restricted's amber one; both in words.
    assert (
        '<b data-state="hidden" title="End users cannot add new '
        'connections to it">disabled on this domain</b>' in foxtrot
    )
    assert '<b class="warn" title="No new connections">restricted</b>' in foxtrot
    assert '<b data-state="enabled">enabled</b>' in _row(html, "Alpha Stable")
    removed = viewer_client.get("/connectors/", {"state": "removed"}).content.decode()
    assert '<b data-state="removed"' in _row(removed, "Golf Removed")
    state = html.split('<select name="state" multiple', 1)[1].split("</select>", 1)[0]
    assert 'aria-label="State (none selected: any but removed)"' in html
    assert '<option value="hidden">disabled on this domain (1)</option>' in state


def test_stability_costs_no_query_per_row(viewer_client, load_connectors):
    load_connectors(ALL[:2])
    viewer_client.get("/connectors/")  # index built, session warm
    with CaptureQueriesContext(connection) as few:
        viewer_client.get("/connectors/?sort=stability")
    load_connectors(ALL)
    viewer_client.get("/connectors/")
    with CaptureQueriesContext(connection) as more:
        viewer_client.get("/connectors/?sort=stability")
    assert len(more) == len(few)


def test_rows_stored_before_the_columns_existed_get_them(load_connectors):
    """The migration fills the columns from the stored JSON with the refresh's own rule."""
    load_connectors(ALL)
    stored = dict(CatalogueConnector.objects.values_list("uuid", "stability_status"))
    assert stored[CHARLIE["uuid"]] == "unstable" and stored[ECHO["uuid"]] == ""
    sources = dict(CatalogueSource.objects.values_list("source_id", "stability_status"))
    assert sources == {901: "unstable", 902: "stable", 903: "down"}
    CatalogueConnector.objects.update(stability_status="", stability_since=None)
    CatalogueSource.objects.update(stability_status="", stability_since=None)
    migration = importlib.import_module(
        "connectors_ui.migrations.0004_connector_and_source_stability_columns"
    )
    migration.fill_stability(django_apps, None)
    after = {
        uuid: (status, since)
        for uuid, status, since in CatalogueConnector.objects.values_list(
            "uuid", "stability_status", "stability_since"
        )
    }
    assert {uuid: status for uuid, (status, _) in after.items()} == stored
    assert after[BRAVO["uuid"]][1] == datetime.fromisoformat(
        BRAVO["stability"]["last_update"]
    ).replace(tzinfo=UTC)
    assert after[DELTA["uuid"]] == ("<b>degraded</b>", None)
    assert dict(CatalogueSource.objects.values_list("source_id", "stability_status")) == sources
