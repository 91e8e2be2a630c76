"""Revert (changes.revert): back to each connector's exact before-state, only where Powens
still shows what the change left, through the batch machinery and its audit."""

import pytest
from django.test import override_settings

from audit.chain import chain_verify
from audit.models import Action, AuditEntry, Outcome
from audit.services import audit_record_event
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.changes import ChangeForbidden, ChangeInvalid
from connectors_ui.changes.revert import RevertPlan, revert_execute, revert_plan, revert_preview
from sandbox.backend import get_connector, set_connector_hidden
from tests.changes.conftest import disable, disable_batch, entries


def _revert(actor, plan, **overrides):
    arguments = {"reason": "undo", "confirm_count": None, "request_meta": None}
    return revert_execute(actor=actor, plan=plan, **{**arguments, **overrides})


@pytest.fixture
def disabled_batch(editor_user, local_copy):
    """BNP Paribas and Crédit Agricole disabled in one batch; BoursoBank was hidden before."""
    bnp, ca, bourso = local_copy[0], local_copy[1], local_copy[2]
    assert get_connector(bourso["uuid"])["hidden"] is True
    result = disable_batch(editor_user, [bnp["uuid"], ca["uuid"]])
    assert result.all_succeeded
    return result, bnp, ca, bourso


def test_reverting_a_batch_restores_only_what_it_changed(editor_user, disabled_batch):
    original, bnp, ca, bourso = disabled_batch
    plan = revert_plan(batch_id=str(original.batch_id))
    preview = revert_preview(plan)
    assert [t.connector_uuid for t in preview.will_revert] == [bnp["uuid"], ca["uuid"]]
    assert preview.changed_since == [] and preview.cannot == []
    result = _revert(editor_user, plan)
    assert result.all_succeeded and result.patch_calls == 1
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert get_connector(ca["uuid"])["hidden"] is False
    assert get_connector(bourso["uuid"])["hidden"] is True  # hidden before: left alone
    reverts = AuditEntry.objects.filter(batch_id=result.batch_id).order_by("seq")
    originals = AuditEntry.objects.filter(batch_id=original.batch_id).order_by("seq")
    assert [e.details["reverts"] for e in reverts] == [
        {"entry": o.pk, "batch": str(original.batch_id)} for o in originals
    ]
    assert [(e.action, e.before, e.after) for e in reverts] == [
        ("batch_enable", {"hidden": True}, {"hidden": False})
    ] * 2
    assert chain_verify().ok


def test_a_connector_changed_since_is_skipped_and_says_so(editor_user, disabled_batch):
    original, bnp, ca, _ = disabled_batch
    set_connector_hidden(ca["uuid"], False)  # re-enabled in the Powens console meanwhile
    plan = revert_plan(batch_id=str(original.batch_id))
    assert len(revert_preview(plan).will_revert) == 2  # the local copy does not know yet
    result = _revert(editor_user, plan)
    outcomes = {item.uuid: (item.outcome, item.message) for item in result.items}
    assert outcomes[bnp["uuid"]][0] == Outcome.SUCCEEDED
    assert outcomes[ca["uuid"]] == (
        Outcome.REFUSED,
        "Changed since, skipped: it no longer shows the state the reverted change left.",
    )
    set_connector_hidden(ca["uuid"], True)
    set_connector_hidden(ca["uuid"], False)
    catalogue_refresh(trigger="test")
    preview = revert_preview(revert_plan(batch_id=str(original.batch_id)))
    assert [t.connector_uuid for t in preview.changed_since] == [bnp["uuid"], ca["uuid"]]
    assert preview.will_revert == []


def test_one_entry_or_selected_entries_of_a_batch(editor_user, disabled_batch):
    original, bnp, ca, _ = disabled_batch
    first = AuditEntry.objects.filter(batch_id=original.batch_id).order_by("seq").first()
    plan = revert_plan(entry_ids=[first.pk], batch_id=str(original.batch_id))
    assert [t.connector_uuid for t in plan.targets] == [bnp["uuid"]]
    _revert(editor_user, plan)
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert get_connector(ca["uuid"])["hidden"] is True


def test_what_cannot_be_reverted_is_listed_with_why(editor_user, local_copy, faults):
    bnp, ca = local_copy[0], local_copy[1]
    source = disable(editor_user, bnp, source_id=bnp["sources"][0]["id"]).entry
    faults.inject("status", endpoint="E3", status=400)
    failed = disable(editor_user, ca).entry
    reconcile = audit_record_event(actor=editor_user, action=Action.CATALOGUE_REFRESH, details={})
    plan = revert_plan(entry_ids=[source.pk, failed.pk, reconcile.pk, 999_999])
    assert [t.entry_id for t in plan.targets] == [source.pk]  # a source change is revertible
    assert [(s.entry_id, s.why) for s in plan.not_revertible] == [
        (failed.pk, "Not succeeded (failed): there is nothing to revert."),
        (reconcile.pk, "Only enabling or disabling a connector or a source can be reverted."),
    ]


def test_reverting_a_revert_changes_it_back(editor_user, disabled_batch):
    original, bnp, _, _ = disabled_batch
    revert = _revert(editor_user, revert_plan(batch_id=str(original.batch_id)))
    _revert(editor_user, revert_plan(batch_id=str(revert.batch_id)))
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_the_same_rules_as_a_batch(viewer_user, editor_user, disabled_batch):
    original, bnp, _, _ = disabled_batch
    plan = revert_plan(batch_id=str(original.batch_id))
    with pytest.raises(ChangeInvalid, match="A reason is required"):
        _revert(editor_user, plan, reason="  ")
    with pytest.raises(ChangeForbidden):
        _revert(viewer_user, plan)
    with override_settings(BATCH_CONFIRM_THRESHOLD=1):
        with pytest.raises(ChangeInvalid, match=r"Type the number of connectors \(2\)"):
            _revert(editor_user, plan, confirm_count=3)
        assert _revert(editor_user, plan, confirm_count=2).all_succeeded
    refused = [e for e in entries() if e.outcome == Outcome.REFUSED]
    assert len(refused) == 3 and get_connector(bnp["uuid"])["hidden"] is False


def test_the_plan_is_a_plain_value_that_survives_json(disabled_batch):
    import json

    original = disabled_batch[0]
    plan = revert_plan(batch_id=str(original.batch_id))
    assert RevertPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
