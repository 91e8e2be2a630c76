"""Observed changes: a refresh that finds a connector hidden, or a source disabled, by someone
else records "changed outside the dashboard" once, with no actor, before → after and the
refresh; our own writes (even when their answer was lost) are not reported as outside."""

from datetime import UTC, datetime

import pytest

from audit.chain import chain_verify
from audit.models import Action, AuditEntry
from connectors_ui.catalogue import sync as sync_module
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.changes import targets as targets_module
from connectors_ui.changes.toggle import connector_set_enabled, source_set_enabled
from connectors_ui.models import CatalogueSync
from sandbox.backend import set_connector_hidden, set_source_disabled


def _refresh() -> CatalogueSync:
    sync = catalogue_refresh(trigger=CatalogueSync.Trigger.TEST)
    assert sync.status == CatalogueSync.Status.SUCCESS, sync.error
    return sync


def _observed():
    return list(AuditEntry.objects.filter(action=Action.OBSERVED_CHANGE).order_by("seq"))


def _disable(editor, connector) -> None:
    """Our own write: the connector disabled on this domain from the dashboard."""
    connector_set_enabled(
        actor=editor,
        uuid=connector["uuid"],
        enabled=False,
        reason="maintenance",
        seen_hidden=False,
        request_meta=None,
    )


@pytest.fixture
def bnp(small_catalogue):
    """BNP Paribas: enabled, three sources, its second one disabled."""
    return small_catalogue[0]


def test_connector_hidden_outside_is_recorded_once(bnp):
    set_connector_hidden(bnp["uuid"], True)
    sync = _refresh()
    [entry] = _observed()
    assert entry.connector_uuid == bnp["uuid"]
    assert entry.connector_name == bnp["name"]
    assert entry.source_id is None
    assert entry.actor is None and entry.actor_username == "outside the dashboard"
    assert entry.reason == (
        f"Connector disabled on this domain; found by catalogue refresh #{sync.pk}."
    )
    assert (entry.before, entry.after) == ({"hidden": False}, {"hidden": True})
    assert entry.details["sync"] == sync.pk
    assert entry.get_action_display() == "Changed outside the dashboard"
    _refresh()
    _refresh()
    assert len(_observed()) == 1
    assert chain_verify().ok


def test_source_disabled_and_enabled_outside(bnp):
    first, second = bnp["sources"][0], bnp["sources"][1]
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    set_source_disabled(bnp["uuid"], first["id"], when)
    set_source_disabled(bnp["uuid"], second["id"], None)
    _refresh()
    entries = {e.source_id: e for e in _observed()}
    assert set(entries) == {first["id"], second["id"]}
    assert entries[first["id"]].before == {"disabled": None}
    assert entries[first["id"]].after == {"disabled": "2026-03-04 05:06:07"}
    assert entries[first["id"]].source_name == first["name"]
    assert entries[first["id"]].reason.startswith(
        f"Source {first['name']} disabled (2026-03-04 05:06:07); found by catalogue refresh"
    )
    assert entries[second["id"]].after == {"disabled": None}


def test_back_and_forth_are_two_changes(bnp):
    set_connector_hidden(bnp["uuid"], True)
    _refresh()
    set_connector_hidden(bnp["uuid"], False)
    _refresh()
    assert [e.after for e in _observed()] == [{"hidden": True}, {"hidden": False}]


def test_our_own_write_is_not_outside(bnp, editor_user):
    _disable(editor_user, bnp)
    _refresh()
    assert _observed() == []


def test_our_write_whose_reflection_failed_is_not_outside(bnp, editor_user, monkeypatch):
    """The copy still holds the old state, so the refresh sees the change: our entry explains it."""

    def broken(self, powens):
        raise RuntimeError("copy unavailable")

    monkeypatch.setattr(targets_module.SourceTarget, "reflect", broken)
    source = bnp["sources"][0]
    source_set_enabled(
        actor=editor_user,
        uuid=bnp["uuid"],
        source_id=source["id"],
        enabled=False,
        reason="bank incident",
        seen_disabled=False,
        request_meta=None,
    )
    _refresh()
    assert _observed() == []


def test_our_write_does_not_explain_the_opposite_change(bnp, editor_user):
    """We disabled it; someone re-enabled it in the console before the refresh."""
    _disable(editor_user, bnp)
    set_connector_hidden(bnp["uuid"], False)
    _refresh()
    [entry] = _observed()
    assert entry.after == {"hidden": False}


def test_first_load_records_nothing(small_sandbox, db):
    _refresh()
    assert _observed() == []


def test_failed_refresh_keeps_no_observed_entry(bnp, monkeypatch):
    """The entries commit with the copy: a refresh that fails after detecting rolls back both."""
    set_connector_hidden(bnp["uuid"], True)

    def fail(*args, **kwargs):
        raise RuntimeError("crash after detection")

    monkeypatch.setattr(sync_module, "bump_version", fail)
    assert catalogue_refresh(trigger=CatalogueSync.Trigger.TEST).status == "failed"
    assert _observed() == []
    monkeypatch.undo()
    _refresh()
    assert len(_observed()) == 1


def test_audit_log_filters_observed_changes(bnp, admin_client):
    set_connector_hidden(bnp["uuid"], True)
    _refresh()
    page = admin_client.get("/audit/", {"action": Action.OBSERVED_CHANGE})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Changed outside the dashboard" in html
    assert bnp["name"] in html
    by_actor = admin_client.get("/audit/", {"actor": "outside the dashboard"}).content.decode()
    assert bnp["name"] in by_actor and "found by catalogue refresh" in by_actor
    others = admin_client.get("/audit/", {"action": Action.EXPORT}).content.decode()
    assert "found by catalogue refresh" not in others
