"""batch_plan and batch_execute: classification, confirmation, stale items, partial failure."""

import uuid as uuid_module

import pytest
from django.test import override_settings

from audit.chain import chain_verify
from audit.models import Outcome
from connectors_ui.changes import (
    ChangeForbidden,
    ChangeInvalid,
    batch_execute,
    batch_plan,
)
from connectors_ui.changes.preview import BATCH_MAX
from connectors_ui.models import CatalogueConnector
from connectors_ui.powens import client as client_module
from connectors_ui.powens.client import PowensClient
from sandbox.backend import get_connector, set_connector_hidden
from tests.changes.conftest import entries

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _apply(actor, uuids, **overrides):
    arguments = {
        "actor": actor,
        "uuids": uuids,
        "enabled": False,
        "reason": "Maintenance window",
        "confirm_count": None,
        "request_meta": None,
    }
    return batch_execute(**{**arguments, **overrides})


def test_preview_classifies_the_selection(local_copy):
    CatalogueConnector.objects.filter(uuid=local_copy[3]["uuid"]).update(
        removed_at="2026-01-01T00:00Z"
    )
    uuids = [c["uuid"] for c in local_copy[:4]] + [UNKNOWN, "junk"]
    preview = batch_plan(uuids=uuids, enabled=False)
    assert [i.uuid for i in preview.will_change] == [local_copy[0]["uuid"], local_copy[1]["uuid"]]
    assert [i.uuid for i in preview.already] == [local_copy[2]["uuid"]]  # BoursoBank is hidden
    assert [(i.uuid, i.why) for i in preview.cannot] == [
        (local_copy[3]["uuid"], "Removed from the catalogue."),
        (UNKNOWN, "Unknown connector UUID."),
        ("junk", "Not a connector UUID."),
    ]
    assert not preview.needs_typed_count


def test_a_preview_above_the_limit_is_refused_not_cut(local_copy):
    many = [str(uuid_module.uuid4()) for _ in range(BATCH_MAX + 1)]
    with pytest.raises(ChangeInvalid) as refused:
        batch_plan(uuids=many, enabled=False)
    assert refused.value.message == (
        "This selection has 5,001 connectors; batches are limited to 5,000. Narrow the filter."
    )
    assert batch_plan(uuids=many[:BATCH_MAX], enabled=False).cannot[-1].uuid == many[-2]


def test_editor_applies_a_batch(editor_user, local_copy):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]]
    client_module.reset_call_count()
    result = _apply(editor_user, uuids)
    assert result.all_succeeded and result.patch_calls == 1
    assert client_module.call_count() == 2, "one list call to check, one PATCH"
    assert all(get_connector(u)["hidden"] for u in uuids)
    assert set(
        CatalogueConnector.objects.filter(uuid__in=uuids).values_list("hidden", flat=True)
    ) == {True}
    recorded = entries()
    assert {e.batch_id for e in recorded} == {result.batch_id} and len(recorded) == len(uuids)
    assert {e.outcomes.get().powens_status for e in recorded} == {200}
    assert {(e.action, e.current_outcome) for e in recorded} == {
        ("batch_disable", Outcome.SUCCEEDED)
    }
    assert chain_verify().ok


def test_viewer_batch_is_refused_once_and_writes_nothing(viewer_user, local_copy):
    with pytest.raises(ChangeForbidden):
        _apply(viewer_user, [local_copy[0]["uuid"]])
    assert get_connector(local_copy[0]["uuid"])["hidden"] is False
    [entry] = entries()
    assert (entry.action, entry.error_code, entry.after["count"]) == (
        "batch_disable",
        "forbidden",
        1,
    )
    assert entry.batch_id is not None
    assert entry.details["connectors"] == [local_copy[0]["uuid"]]


@override_settings(BATCH_CONFIRM_THRESHOLD=1)
def test_a_wrong_typed_count_records_the_batch_and_its_connectors(editor_user, local_copy):
    uuids = [local_copy[0]["uuid"], local_copy[1]["uuid"].upper(), "junk"]
    with pytest.raises(ChangeInvalid):
        _apply(editor_user, uuids[:2], confirm_count=5)
    with pytest.raises(ChangeInvalid, match="not a UUID"):
        _apply(editor_user, uuids, confirm_count=3)
    first, second = entries()
    assert first.batch_id and second.batch_id and first.batch_id != second.batch_id
    assert first.details["connectors"] == [local_copy[0]["uuid"], local_copy[1]["uuid"]]
    assert second.details["connectors"][2] == "junk" and second.after["count"] == 3


@pytest.mark.parametrize(
    ("uuids", "reason", "match"),
    [(["junk"], "r", "not a UUID"), ([], "r", "empty"), ([UNKNOWN], "", "reason")],
)
def test_invalid_batches_are_refused(editor_user, local_copy, uuids, reason, match):
    with pytest.raises(ChangeInvalid, match=match):
        _apply(editor_user, uuids, reason=reason)
    assert entries()[0].error_code == "invalid"


@override_settings(BATCH_CONFIRM_THRESHOLD=3)
def test_above_the_threshold_the_count_must_be_typed(editor_user, local_copy):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]]
    assert batch_plan(uuids=uuids, enabled=False).needs_typed_count
    for wrong in (None, len(uuids) - 1):
        with pytest.raises(
            ChangeInvalid, match=f"Type the number of connectors \\({len(uuids)}\\)"
        ):
            _apply(editor_user, uuids, confirm_count=wrong)
    assert not any(get_connector(u)["hidden"] for u in uuids)
    assert _apply(editor_user, uuids, confirm_count=len(uuids)).all_succeeded


def test_items_changed_since_the_preview_are_refused_as_stale(editor_user, local_copy):
    uuids = [local_copy[0]["uuid"], local_copy[1]["uuid"], UNKNOWN]
    set_connector_hidden(local_copy[1]["uuid"], True)
    result = _apply(editor_user, uuids)
    outcomes = {item.uuid: (item.outcome, item.message) for item in result.items}
    assert outcomes[local_copy[0]["uuid"]][0] == Outcome.SUCCEEDED
    assert outcomes[local_copy[1]["uuid"]][0] == Outcome.REFUSED
    assert "since the preview" in outcomes[local_copy[1]["uuid"]][1]
    assert outcomes[UNKNOWN][0] == Outcome.REFUSED and result.is_partial
    assert {e.error_code for e in entries() if e.current_outcome == Outcome.REFUSED} == {
        "stale",
        "not_found",
    }


@override_settings(BATCH_CHUNK_SIZE=2)
@pytest.mark.parametrize(
    ("status", "answered"), [(500, Outcome.UNKNOWN), (504, Outcome.UNKNOWN), (429, Outcome.FAILED)]
)
def test_a_failed_second_chunk_is_a_partial_failure(
    editor_user, local_copy, faults, monkeypatch, status, answered
):
    """Four connectors in chunks of two; the second PATCH answers an error. A 4xx is a refusal
    (failed); a 5xx may hide an applied write (unknown), so those connectors are read back at
    once: not applied, failed. The status is kept on the answer's outcome either way."""
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]][:4]
    original = PowensClient.batch_update_connectors

    def fault_after_first_chunk(self, updates):
        answer = original(self, updates)
        faults.inject("status", status=status, endpoint="E4")
        return answer

    monkeypatch.setattr(PowensClient, "batch_update_connectors", fault_after_first_chunk)
    result = _apply(editor_user, uuids)
    assert result.patch_calls == 2 and result.is_partial and not result.all_succeeded
    assert [item.outcome for item in result.items] == [Outcome.SUCCEEDED] * 2 + ["failed"] * 2
    assert [get_connector(u)["hidden"] for u in uuids] == [True, True, False, False]
    failed = [e for e in entries() if e.current_outcome == Outcome.FAILED]
    first = [e.outcomes.order_by("seq").first() for e in failed]
    assert [(o.outcome, o.powens_status) for o in first] == [(answered, status)] * 2


def test_an_empty_patch_answer_is_confirmed_with_one_list_call(
    editor_user, local_copy, monkeypatch
):
    """Powens' E4 answer shape is undocumented: with an empty answer, re-read once."""
    original = PowensClient.batch_update_connectors
    monkeypatch.setattr(
        PowensClient, "batch_update_connectors", lambda self, u: original(self, u) and ()
    )
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]]
    client_module.reset_call_count()
    assert _apply(editor_user, uuids).all_succeeded
    assert client_module.call_count() == 3
