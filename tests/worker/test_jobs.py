"""The dashboard's periodic jobs, run by the worker: reconcile, expiries, catalogue refresh."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEntry, Outcome, RefusalTally
from connectors_ui.catalogue.tasks import catalogue_refresh_when_stale
from connectors_ui.changes.tasks import changes_expire, changes_reconcile
from connectors_ui.models import CatalogueState, CatalogueSync, ChangeClaim
from connectors_ui.powens.client import PowensClient
from sandbox.backend import get_connector
from tests.changes.conftest import disable, entries
from worker.models import PeriodicRun

LATER = timedelta(minutes=10)


class Crash(BaseException):
    """The worker process dying in the middle of the write."""


def _crash_after_sending(monkeypatch):
    original = PowensClient.update_connector

    def crash(self, uuid, *, hidden):
        original(self, uuid, hidden=hidden)
        raise Crash

    monkeypatch.setattr(PowensClient, "update_connector", crash)


def _travel(monkeypatch, delta):
    now = timezone.now() + delta
    monkeypatch.setattr(timezone, "now", lambda: now)


def test_the_reconcile_job_resolves_a_pending_intent_once_it_is_no_longer_in_flight(
    task_worker, editor_user, bnp, monkeypatch
):
    _crash_after_sending(monkeypatch)
    with pytest.raises(Crash):
        disable(editor_user, bnp)
    monkeypatch.undo()
    assert changes_reconcile.call()["examined"] == 0  # still in flight: left alone
    _travel(monkeypatch, LATER)
    task_worker.run_once()
    assert PeriodicRun.objects.filter(job="audit-reconcile").exists()
    entry, run = entries()
    assert entry.current_outcome == Outcome.SUCCEEDED and run.action == Action.RECONCILE
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_a_reconcile_run_that_resolves_nothing_is_not_recorded(
    editor_user, bnp, monkeypatch, faults
):
    _crash_after_sending(monkeypatch)
    with pytest.raises(Crash):
        disable(editor_user, bnp)
    monkeypatch.undo()
    _travel(monkeypatch, LATER)
    faults.inject("status", status=503, count=50)  # Powens down: nothing can be resolved
    assert changes_reconcile.call() == {"examined": 1, "succeeded": 0, "failed": 0, "unresolved": 1}
    assert not AuditEntry.objects.filter(action=Action.RECONCILE).exists()


def test_the_expiries_job_writes_closed_refusal_windows_and_drops_expired_claims(
    db, viewer_client, settings
):
    settings.AUDIT_REFUSAL_BURST = 1
    for _ in range(3):
        viewer_client.post("/connectors/refresh/")
    assert RefusalTally.objects.get().counted == 2
    now = timezone.now()
    ChangeClaim.objects.create(
        target="x", token="t", holder="h", claimed_at=now, expires_at=now - timedelta(seconds=1)
    )
    ChangeClaim.objects.create(
        target="y", token="t", holder="h", claimed_at=now, expires_at=now + timedelta(minutes=1)
    )
    assert changes_expire.call() == {"refusal_summaries": 0, "expired_claims": 1}
    RefusalTally.objects.update(window_started=now - timedelta(hours=1))
    assert changes_expire.call()["refusal_summaries"] == 1
    summary = AuditEntry.objects.get(action=Action.REFUSALS_SUMMARY)
    assert summary.details["count"] == 2
    assert list(ChangeClaim.objects.values_list("target", flat=True)) == ["y"]


def test_the_refresh_job_refreshes_only_a_stale_copy(small_catalogue, settings):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    settings.POWENS_SANDBOX_DOMAINS = ["demo-sandbox"]  # the job visits each domain: one here
    assert catalogue_refresh_when_stale.call() == []  # fresh
    last = CatalogueState.objects.get().last_success
    CatalogueSync.objects.filter(pk=last.pk).update(finished_at=timezone.now() - LATER * 2)
    [refreshed] = catalogue_refresh_when_stale.call()
    sync = CatalogueSync.objects.get(pk=refreshed)
    assert sync.trigger == "auto" and sync.status == "success"
    settings.CATALOGUE_AUTO_REFRESH = "off"
    CatalogueSync.objects.filter(pk=sync.pk).update(finished_at=timezone.now() - LATER * 2)
    assert catalogue_refresh_when_stale.call() == []
