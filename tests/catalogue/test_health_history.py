"""Health history: transitions only, recorded at each refresh; the 30-day timeline on the
connector page (SVG, no inline style); the stability in a change's audit entry; the list
filter "unstable or down for more than N hours"."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from audit.models import Action, AuditEntry
from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.health_history import health_timeline
from connectors_ui.catalogue.selectors import connector_search_uuids
from connectors_ui.changes.toggle import connector_set_enabled
from connectors_ui.models import CatalogueConnector, HealthTransition
from tests.fixtures.catalogue import connector_dict

NOW = datetime.now(UTC).replace(microsecond=0)


def _at(delta: timedelta) -> str:
    return (NOW - delta).strftime("%Y-%m-%d %H:%M:%S")


def _bank(status: str, *, ago=timedelta(hours=2), source_status: str = "stable", **overrides):
    source = {
        "id": 7001,
        "name": "openapi",
        "priority": 0,
        "disabled": None,
        "stability": {"status": source_status, "last_update": _at(ago)},
    }
    return connector_dict(
        "Health Bank",
        stability={"status": status, "last_update": _at(ago)},
        sources=[source],
        **overrides,
    )


def _history():
    rows = HealthTransition.objects.order_by("seen_at", "id")
    return [(r.source_id, r.status) for r in rows]


def test_transitions_only(load_connectors):
    load_connectors([_bank("stable")])
    assert _history() == [(None, "stable"), (7001, "stable")]
    load_connectors([_bank("stable", ago=timedelta(hours=1))])  # date moved, status did not
    load_connectors([_bank("stable", beta=True)])  # another property changed
    assert len(_history()) == 2
    load_connectors([_bank("unstable", source_status="down")])
    load_connectors([_bank("unstable", source_status="down")])
    assert _history()[2:] == [(None, "unstable"), (7001, "down")]


def test_timeline_segments(load_connectors):
    sync = load_connectors([_bank("stable")])
    HealthTransition.objects.update(seen_at=NOW - timedelta(days=40))
    load_connectors([_bank("down")])
    HealthTransition.objects.filter(status="down").update(seen_at=NOW - timedelta(hours=24))
    connector = CatalogueConnector.objects.get()
    connector_row, source_row = health_timeline(connector, now=NOW)
    assert [s.level for s in connector_row.segments] == ["stable", "down"]
    assert connector_row.segments[0].x == 0
    assert connector_row.segments[1].x == pytest.approx(29 * 24)
    assert connector_row.not_stable_hours == 24
    assert [s.level for s in source_row.segments] == ["stable"]
    assert source_row.label == "Source openapi"
    assert sync.pk is not None


def test_timeline_before_first_record_says_no_record(load_connectors):
    load_connectors([_bank("unstable")])
    HealthTransition.objects.update(seen_at=NOW - timedelta(days=3))
    connector_row, _ = health_timeline(CatalogueConnector.objects.get(), now=NOW)
    assert [s.level for s in connector_row.segments] == ["none", "unstable"]
    assert connector_row.segments[0].label.startswith("no record from ")


def test_target_without_history_shows_current_status_since_powens_says(load_connectors):
    load_connectors([_bank("down", ago=timedelta(days=2))])
    HealthTransition.objects.all().delete()  # a copy loaded before health history existed
    connector_row, _ = health_timeline(CatalogueConnector.objects.get(), now=NOW)
    assert [s.level for s in connector_row.segments] == ["none", "down"]
    assert connector_row.not_stable_hours == 48


def test_detail_page_shows_timeline_without_inline_style(load_connectors, viewer_client):
    load_connectors([_bank("stable")])
    load_connectors([_bank("down")])
    connector = CatalogueConnector.objects.get()
    html = viewer_client.get(f"/connectors/{connector.uuid}/").content.decode()
    section = html[
        html.index('id="health-timeline"') : html.index(
            "</section>", html.index('id="health-timeline"')
        )
    ]
    assert "Stability, last 30 days" in section
    assert section.count("<svg") == 2  # the connector and its source
    assert 'class="tl-down"' in section and "<title>down from " in section
    assert "style=" not in section
    assert html.index('id="connector-actions"') < html.index('id="health-timeline"')


def test_change_records_stability_at_the_time(small_catalogue, editor_user):
    bnp = CatalogueConnector.objects.get(uuid=small_catalogue[0]["uuid"])
    bnp.stability_status, bnp.stability_since = "unstable", NOW - timedelta(hours=5)
    bnp.save()
    connector_set_enabled(
        actor=editor_user,
        uuid=bnp.uuid,
        enabled=False,
        reason="unstable since this morning",
        seen_hidden=False,
        request_meta=None,
    )
    entry = AuditEntry.objects.get(action=Action.CONNECTOR_DISABLE)
    assert entry.details["stability"] == {
        "status": "unstable",
        "since": (NOW - timedelta(hours=5)).isoformat(),
    }


def _names(query: str) -> list[str]:
    form = ConnectorFilterForm(dict(re.findall(r"(\w+)=(\w*)", query)))
    form.is_valid()
    uuids = connector_search_uuids(form.query())
    return sorted(CatalogueConnector.objects.filter(uuid__in=uuids).values_list("name", flat=True))


def test_filter_unstable_for_more_than_n_hours(load_connectors):
    load_connectors(
        [
            connector_dict(
                "Long Down", stability={"status": "down", "last_update": _at(timedelta(hours=30))}
            ),
            connector_dict(
                "Short Unstable",
                stability={"status": "unstable", "last_update": _at(timedelta(hours=3))},
            ),
            connector_dict(
                "Long Unstable",
                stability={"status": "Unstable", "last_update": _at(timedelta(days=3))},
            ),
            connector_dict(
                "Long Stable", stability={"status": "stable", "last_update": _at(timedelta(days=9))}
            ),
        ]
    )
    assert _names("unstable_hours=24") == ["Long Down", "Long Unstable"]
    assert _names("unstable_hours=2") == ["Long Down", "Long Unstable", "Short Unstable"]
    assert _names("unstable_hours=100") == []


def test_filter_bad_value_is_ignored_with_a_message(load_connectors):
    load_connectors([connector_dict("Any Bank")])
    form = ConnectorFilterForm({"unstable_hours": "soon"})
    assert not form.is_valid()
    assert form.messages() == ["“Unstable for more than” takes a number of hours: filter ignored."]
    assert "unstable_hours" not in form.query().filters
    assert _names("unstable_hours=0") == ["Any Bank"]
