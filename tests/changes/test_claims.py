"""Claims: one change at a time per target, a lease that a dead process cannot hold forever,
and a change refused (on the record) while another one holds its target."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from audit.models import Outcome
from connectors_ui.changes import (
    ChangeConflict,
    audit_reconcile,
    connector_set_enabled,
)
from connectors_ui.changes.claims import claimed, claims_release, claims_renew, claims_take
from connectors_ui.models import ChangeClaim
from connectors_ui.powens.client import PowensClient
from sandbox.backend import get_connector, get_source
from tests.changes.conftest import disable, disable_batch, entries

UUID = "0b5bc6c2-7b59-4f4a-9a43-6a1a3d7e1a11"


def test_a_target_is_held_by_one_change_at_a_time(editor_user, admin_user):
    first = claims_take(keys=[(UUID, None), (UUID, 7)], actor=editor_user)
    second = claims_take(keys=[(UUID, None), (UUID, 8)], actor=admin_user)
    assert first.held == {(UUID, None), (UUID, 7)} and first.busy == {}
    assert second.held == {(UUID, 8)} and second.busy == {(UUID, None): "editor-user"}
    claims_release(first)
    assert claims_take(keys=[(UUID, None)], actor=admin_user).held == {(UUID, None)}


def test_an_expired_claim_is_taken_over_and_its_holder_stops(editor_user, admin_user):
    """The holder stalled past its lease (or died): the next change takes the target; the
    stalled one finds out when it renews, and its release leaves the new claim alone."""
    stalled = claims_take(keys=[(UUID, None)], actor=editor_user)
    ChangeClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    taker = claims_take(keys=[(UUID, None)], actor=admin_user)
    assert taker.held == {(UUID, None)}
    assert claims_renew(stalled) == set()
    claims_release(stalled)
    assert ChangeClaim.objects.get().holder == "admin-user"


def test_a_dead_process_leaves_no_claim_behind(editor_user, admin_user):
    claims_take(keys=[(UUID, 7)], actor=editor_user)  # and never given back
    ChangeClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    claims_take(keys=[(UUID, None)], actor=admin_user)
    assert list(ChangeClaim.objects.values_list("target", flat=True)) == [UUID]


def test_renewing_extends_the_lease(editor_user):
    claims = claims_take(keys=[(UUID, None)], actor=editor_user)
    first = ChangeClaim.objects.get().expires_at
    assert claims_renew(claims) == {(UUID, None)}
    assert ChangeClaim.objects.get().expires_at >= first


def test_a_claim_is_given_back_when_the_block_raises(editor_user):
    with pytest.raises(RuntimeError), claimed(keys=[(UUID, None)], actor=editor_user):
        assert ChangeClaim.objects.count() == 1
        raise RuntimeError
    assert not ChangeClaim.objects.exists()


def test_a_change_to_a_claimed_connector_is_refused_and_recorded(editor_user, admin_user, bnp):
    other = claims_take(keys=[(bnp["uuid"], None)], actor=admin_user)
    with pytest.raises(ChangeConflict) as refused:
        disable(editor_user, bnp)
    assert "is being changed by admin-user right now; nothing was written" in refused.value.message
    assert get_connector(bnp["uuid"])["hidden"] is False
    [entry] = entries()
    assert (entry.current_outcome, entry.error_code) == (Outcome.REFUSED, "conflict")
    assert entry.connector_name == "BNP Paribas" and entry.details == {"claimed_by": "admin-user"}
    claims_release(other)
    assert disable(editor_user, bnp).succeeded


def test_a_source_and_its_connector_are_different_targets(editor_user, admin_user, bnp):
    claims_take(keys=[(bnp["uuid"], None)], actor=admin_user)
    source = bnp["sources"][0]["id"]
    result = disable(editor_user, bnp, source)
    assert result.succeeded and get_source(bnp["uuid"], source)["disabled"] is not None


def test_a_change_gives_its_claim_back_whatever_came_of_it(editor_user, bnp, monkeypatch):
    assert disable(editor_user, bnp).succeeded
    assert not ChangeClaim.objects.exists()
    monkeypatch.setattr(PowensClient, "update_connector", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        connector_set_enabled(
            actor=editor_user,
            uuid=bnp["uuid"],
            enabled=True,
            reason="back",
            seen_hidden=True,
            request_meta=None,
        )
    assert not ChangeClaim.objects.exists()


def test_a_change_whose_lease_was_taken_over_writes_nothing(
    editor_user, admin_user, bnp, monkeypatch
):
    """The read took longer than the lease and another change took the connector: the slow
    one is refused before sealing anything."""
    original = PowensClient.get_connector

    def slow_read(self, ref, **options):
        ChangeClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        claims_take(keys=[(bnp["uuid"], None)], actor=admin_user)
        return original(self, ref, **options)

    monkeypatch.setattr(PowensClient, "get_connector", slow_read)
    with pytest.raises(ChangeConflict, match="took this connector over"):
        disable(editor_user, bnp)
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert [e.current_outcome for e in entries()] == [Outcome.REFUSED]
    assert ChangeClaim.objects.get().holder == "admin-user"


class Crash(BaseException):
    """The process dying between the write and its outcome."""


def _crash(*args, **kwargs):
    raise Crash


def test_reconciliation_leaves_a_target_being_changed_alone(
    editor_user, admin_user, bnp, monkeypatch
):
    """A crashed change left a pending entry; while another change holds the connector,
    reconciling would read a state that change may be about to move: it waits."""
    monkeypatch.setattr(PowensClient, "update_connector", _crash)
    with pytest.raises(Crash):
        disable(editor_user, bnp)
    monkeypatch.undo()
    other = claims_take(keys=[(bnp["uuid"], None)], actor=admin_user)
    report = audit_reconcile(min_age_seconds=0)
    assert (report.examined, report.unresolved) == (1, 1)
    claims_release(other)
    assert audit_reconcile(min_age_seconds=0).failed == 1
    assert entries()[0].current_outcome == Outcome.FAILED


def test_a_batch_refuses_the_connectors_another_change_holds(editor_user, admin_user, local_copy):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]][:3]
    claims_take(keys=[(uuids[1], None)], actor=admin_user)
    result = disable_batch(editor_user, uuids)
    outcomes = {item.uuid: (item.outcome, item.message) for item in result.items}
    assert outcomes[uuids[1]] == (
        Outcome.REFUSED,
        "This connector is being changed by admin-user right now; nothing was written. "
        "Reload the page in a moment to see its new state.",
    )
    assert [get_connector(u)["hidden"] for u in uuids] == [True, False, True]
    refused = [e for e in entries() if e.current_outcome == Outcome.REFUSED]
    assert [(e.connector_uuid, e.error_code) for e in refused] == [(uuids[1], "conflict")]
    assert refused[0].connector_name and refused[0].batch_id == result.batch_id
    assert ChangeClaim.objects.get().holder == "admin-user", "the batch gave its claims back"


@override_settings(BATCH_CHUNK_SIZE=2)
def test_a_batch_sends_nothing_for_a_connector_whose_claim_was_taken_over(
    editor_user, admin_user, local_copy, monkeypatch
):
    """The first chunk took longer than the lease and another change took a connector of the
    second chunk: that one is not sent, and says why."""
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]][:4]
    original = PowensClient.batch_update_connectors

    def slow_first_chunk(self, updates):
        answer = original(self, updates)
        if uuids[0] in updates:
            ChangeClaim.objects.filter(target=uuids[3]).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )
            claims_take(keys=[(uuids[3], None)], actor=admin_user)
        return answer

    monkeypatch.setattr(PowensClient, "batch_update_connectors", slow_first_chunk)
    result = disable_batch(editor_user, uuids)
    items = {item.uuid: item for item in result.items}
    assert [items[u].outcome for u in uuids] == ["succeeded"] * 3 + ["failed"]
    assert items[uuids[3]].message.startswith("Not sent: another change took this connector")
    assert [get_connector(u)["hidden"] for u in uuids] == [True, True, True, False]
