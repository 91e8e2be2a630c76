"""A crash between intent and call leaves a pending entry; reconciliation resolves it."""

import pytest
from django.core.management import call_command

from audit.chain import chain_verify
from audit.models import Outcome
from connectors_ui.changes import ChangeForbidden, audit_reconcile, connector_set_enabled
from connectors_ui.powens.client import PowensClient
from sandbox.backend import get_connector
from tests.changes.conftest import entries


class Crash(BaseException):
    """Stands for the process dying (a BaseException, like SystemExit or KeyboardInterrupt)."""


def _crash_during_call(monkeypatch, *, applied: bool) -> None:
    original = PowensClient.update_connector

    def crash(self, uuid, *, hidden):
        if applied:
            original(self, uuid, hidden=hidden)
        raise Crash

    monkeypatch.setattr(PowensClient, "update_connector", crash)


def _disable(actor, connector):
    connector_set_enabled(
        actor=actor,
        uuid=connector["uuid"],
        enabled=False,
        reason="r",
        seen_hidden=False,
        request_meta=None,
    )


@pytest.mark.parametrize(
    ("applied", "resolved"), [(False, Outcome.FAILED), (True, Outcome.SUCCEEDED)]
)
def test_crash_leaves_pending_and_reconcile_resolves(
    editor_user, bnp, monkeypatch, applied, resolved
):
    _crash_during_call(monkeypatch, applied=applied)
    with pytest.raises(Crash):
        _disable(editor_user, bnp)
    [entry] = entries()
    assert entry.current_outcome == Outcome.PENDING
    monkeypatch.undo()
    assert audit_reconcile(min_age_seconds=3600).examined == 0, "in flight: left alone"
    report = audit_reconcile(min_age_seconds=0)
    assert (report.examined, report.unresolved) == (1, 0)
    resolved_entry, run = entries()
    assert resolved_entry.current_outcome == resolved
    assert resolved_entry.outcomes.get().resolved_by == "reconcile"
    assert run.action == "reconcile" and run.details["examined"] == 1
    assert get_connector(bnp["uuid"])["hidden"] is applied
    assert audit_reconcile(min_age_seconds=0).examined == 0, "resolved once, never twice"
    assert chain_verify().ok


def test_a_later_change_does_not_fool_reconciliation(editor_user, bnp, monkeypatch):
    """A crashed disable that did apply, then a successful enable: the live state is 'enabled',
    but the later intent's 'before' shows the crashed one had applied."""
    _crash_during_call(monkeypatch, applied=True)
    with pytest.raises(Crash):
        _disable(editor_user, bnp)
    monkeypatch.undo()
    # The crashed intent would block the target as "in flight" for a while: pretend it is old.
    monkeypatch.setattr("audit.services.IN_FLIGHT_SECONDS", 0)
    connector_set_enabled(
        actor=editor_user,
        uuid=bnp["uuid"],
        enabled=True,
        reason="undo",
        seen_hidden=True,
        request_meta=None,
    )
    audit_reconcile(min_age_seconds=0)
    assert entries()[0].current_outcome == Outcome.SUCCEEDED


def test_reconcile_command(editor_user, bnp, monkeypatch, capsys):
    _crash_during_call(monkeypatch, applied=False)
    with pytest.raises(Crash):
        _disable(editor_user, bnp)
    monkeypatch.undo()
    call_command("audit_reconcile", "--min-age", "0")
    assert "Examined 1: 0 succeeded, 1 failed, 0 still unresolved." in capsys.readouterr().out


def test_only_admins_reconcile(editor_user):
    with pytest.raises(ChangeForbidden):
        audit_reconcile(actor=editor_user, min_age_seconds=0)
    assert entries()[0].error_code == "forbidden"
