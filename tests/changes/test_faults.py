"""Audit completeness under injected sandbox faults, for every write path and fault kind.

For each fault: every target has exactly one entry, with the right outcome (``failed`` when
Powens refused with a 4xx; when it answered 5xx or the answer was lost, ``unknown`` at first and
then, from the read made at once, the truth: ``succeeded`` if the write had been applied, else
``failed``); nothing stays ``pending``; the local copy matches Powens; reconciliation has nothing
left to change; the config token appears nowhere; the chain verifies. When the read-back fails
too, see test_lost_answer.py.
"""

import random

import pytest
from django.conf import settings
from django.test import override_settings

from audit.chain import chain_verify
from audit.models import AuditEntry, AuditOutcome, Outcome
from connectors_ui.changes import (
    audit_reconcile,
    batch_execute,
    connector_set_enabled,
    source_set_enabled,
)
from connectors_ui.models import CatalogueConnector, CatalogueSource
from sandbox.backend import get_connector, get_source
from tests.changes.conftest import entries

STATUS_FAULTS = [
    ("status", 500),
    ("status", 503),
    ("status", 429),
    ("status", 400),
    ("status", 409),
]
LOST_FAULTS = [("timeout", None), ("reset", None), ("malformed", None)]


def _connector(actor, local_copy):
    uuid = local_copy[0]["uuid"]
    connector_set_enabled(
        actor=actor,
        uuid=uuid,
        enabled=False,
        reason="fault test",
        seen_hidden=False,
        request_meta=None,
    )
    return {uuid: lambda: get_connector(uuid)["hidden"]}, {
        uuid: lambda: CatalogueConnector.objects.get(uuid=uuid).hidden
    }


def _source(actor, local_copy):
    uuid, source_id = local_copy[0]["uuid"], local_copy[0]["sources"][0]["id"]
    source_set_enabled(
        actor=actor,
        uuid=uuid,
        source_id=source_id,
        enabled=False,
        reason="fault test",
        seen_disabled=False,
        request_meta=None,
    )
    return (
        {uuid: lambda: get_source(uuid, source_id)["disabled"] is not None},
        {uuid: lambda: CatalogueSource.objects.get(source_id=source_id).disabled},
    )


def _batch(actor, local_copy):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]]
    batch_execute(
        actor=actor,
        uuids=uuids,
        enabled=False,
        reason="fault test",
        confirm_count=None,
        request_meta=None,
    )
    remote = {u: (lambda u=u: get_connector(u)["hidden"]) for u in uuids}
    local = {u: (lambda u=u: CatalogueConnector.objects.get(uuid=u).hidden) for u in uuids}
    return remote, local


PATHS = {"connector": (_connector, "E3"), "source": (_source, "E8"), "batch": (_batch, "E4")}
CASES = [(path, kind, status, False) for path in PATHS for kind, status in STATUS_FAULTS] + [
    (path, kind, None, applied)
    for path in PATHS
    for kind, _ in LOST_FAULTS
    for applied in (False, True)
]


def _assert_token_never_recorded() -> None:
    token = settings.POWENS_CONFIG_TOKEN
    for row in [*AuditEntry.objects.values(), *AuditOutcome.objects.values()]:
        assert token not in repr(row)


@pytest.mark.parametrize(("path", "kind", "status", "applied"), CASES)
def test_every_write_fault_is_recorded_and_reconciled(
    editor_user, local_copy, faults, path, kind, status, applied
):
    run, endpoint = PATHS[path]
    faults.inject(kind, status=status, endpoint=endpoint, apply_write=applied)
    remote, local = run(editor_user, local_copy)
    recorded = entries()
    assert len(recorded) == len(remote) and {e.connector_uuid for e in recorded} == set(remote)
    refused = kind == "status" and status < 500
    truth = Outcome.SUCCEEDED if applied else Outcome.FAILED
    assert {e.current_outcome for e in recorded} == {Outcome.FAILED if refused else truth}
    first = [e.outcomes.order_by("seq").first() for e in recorded]
    assert {o.outcome for o in first} == {Outcome.FAILED if refused else Outcome.UNKNOWN}
    if kind == "status":
        assert {o.powens_status for o in first} == {status}
    for uuid, read in remote.items():
        assert read() is applied
        assert local[uuid]() is applied, "the copy shows what the read-back found"
    _assert_token_never_recorded()
    assert audit_reconcile(min_age_seconds=0).examined == 0, "nothing left unresolved"
    assert {e.current_outcome for e in entries() if e.action != "reconcile"} == {
        Outcome.FAILED if refused else truth
    }
    for read in local.values():
        assert read() is applied, "reconciliation brings the copy in line with Powens"
    assert chain_verify().ok


def test_a_504_after_the_write_landed_is_read_back_as_succeeded(editor_user, local_copy, faults):
    """A gateway answers 504 although Powens applied the PUT: not 'nothing was changed'. The
    outcome is unknown, and the read made at once proves the change applied."""
    uuid = local_copy[0]["uuid"]
    faults.inject("status", status=504, endpoint="E3", apply_write=True)
    result = connector_set_enabled(
        actor=editor_user,
        uuid=uuid,
        enabled=False,
        reason="gateway test",
        seen_hidden=False,
        request_meta=None,
    )
    assert result.outcome == Outcome.SUCCEEDED
    assert result.message == (
        "BNP Paribas disabled on this domain. "
        "Powens' answer was lost, but reading it back shows the change applied."
    )
    (entry,) = entries()
    answer, read_back = entry.outcomes.order_by("seq")
    assert (answer.outcome, answer.powens_status, answer.resolved_by) == ("unknown", 504, "call")
    assert answer.error_code and answer.error_message and answer.powens_request_id
    assert (read_back.outcome, read_back.resolved_by) == ("succeeded", "reconcile")
    assert read_back.observed == {"hidden": True} and read_back.actor_username == "editor-user"
    assert entry.current_outcome == Outcome.SUCCEEDED and get_connector(uuid)["hidden"] is True
    assert CatalogueConnector.objects.get(uuid=uuid).hidden is True


@override_settings(POWENS_MAX_RETRIES=0)
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("kind", "status"), [("status", 503), ("timeout", None)])
def test_a_failed_pre_write_read_writes_nothing_and_is_recorded(
    editor_user, local_copy, faults, path, kind, status
):
    faults.inject(kind, status=status, method="GET")
    remote, _ = PATHS[path][0](editor_user, local_copy)
    recorded = entries()
    assert len(recorded) == len(remote)
    assert {e.current_outcome for e in recorded} == {Outcome.FAILED}
    assert all("nothing was sent" in e.outcomes.get().error_message for e in recorded)
    assert not any(read() for read in remote.values())


def test_random_fault_soak_loses_nothing(editor_user, local_copy, faults):
    """80 toggles of random connectors, half of them hit by a random write fault. Afterwards
    every attempt has one entry, and once reconciled (all at the end, so an unknown entry is
    often followed by later changes to the same connector) Powens' state is exactly what the
    succeeded entries say."""
    rng = random.Random(4)
    kinds = [*STATUS_FAULTS, *LOST_FAULTS]
    uuids = [c["uuid"] for c in local_copy]
    injected = 0
    for _ in range(80):
        uuid = rng.choice(uuids)
        if rng.random() < 0.5:
            kind, status = rng.choice(kinds)
            faults.inject(kind, status=status, endpoint="E3", apply_write=rng.random() < 0.5)
            injected += 1
        hidden = get_connector(uuid)["hidden"]
        connector_set_enabled(
            actor=editor_user,
            uuid=uuid,
            enabled=hidden,
            reason="soak",
            seen_hidden=hidden,
            request_meta=None,
        )
        faults.clear()
    audit_reconcile(min_age_seconds=0)
    changes = [e for e in entries() if e.action != "reconcile"]
    assert injected >= 30 and len(changes) == 80
    assert not [e for e in changes if e.current_outcome in (Outcome.PENDING, Outcome.UNKNOWN)]
    expected = {c["uuid"]: bool(c["hidden"]) for c in local_copy}
    for entry in changes:
        if entry.current_outcome == Outcome.SUCCEEDED:
            expected[entry.connector_uuid] = entry.after["hidden"]
    assert {u: get_connector(u)["hidden"] for u in uuids} == expected
    assert dict(CatalogueConnector.objects.values_list("uuid", "hidden")) == expected
    assert chain_verify().ok
