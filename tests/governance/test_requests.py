"""Change requests: proposal (Powens' state stored), four eyes, edits, expiry, apply with the
re-read, the emergency bypass, and the policy enforced on the direct write path too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.chain import chain_verify
from audit.models import Action, AuditEntry, Outcome
from audit.refusals import ChangeConflict, ChangeForbidden, ChangeInvalid, ChangeStale
from connectors_ui.changes import connector_set_enabled
from connectors_ui.powens.client import call_count, reset_call_count
from governance.models import ChangeRequest
from governance.proposals import Wish, change_request_propose
from governance.requests import (
    change_request_apply,
    change_request_approve,
    change_request_edit,
    change_request_reject,
    change_request_withdraw,
    change_requests_expire,
)
from sandbox.backend import get_connector, get_source, set_connector_hidden
from tests.governance.conftest import propose_batch, propose_disable

pytestmark = pytest.mark.usefixtures("approval_domain")
Status = ChangeRequest.Status


def _steps(request: ChangeRequest) -> list[tuple[str, str]]:
    rows = AuditEntry.objects.filter(details__change_request=request.pk).order_by("seq")
    return [(e.action, e.outcome) for e in rows]


def test_a_proposal_stores_what_powens_shows_and_writes_nothing(editor_user, bnp):
    request = propose_disable(editor_user, bnp)
    assert request.status == Status.OPEN and request.approval_required
    [target] = request.targets.all()
    assert (target.before_off, target.off, target.before) == (False, True, {"hidden": False})
    assert target.connector_name == "BNP Paribas"
    assert get_connector(bnp["uuid"])["hidden"] is False  # nothing written
    assert _steps(request) == [(Action.REQUEST_PROPOSE, Outcome.SUCCEEDED)]
    assert request.expires_at - request.proposed_at == timedelta(hours=72)


def test_a_proposal_from_a_stale_page_is_refused_on_the_record(editor_user, bnp):
    set_connector_hidden(bnp["uuid"], True)  # changed behind the page's back
    with pytest.raises(ChangeInvalid):  # already as asked
        propose_disable(editor_user, bnp)
    assert not ChangeRequest.objects.exists()
    refused = AuditEntry.objects.get(action=Action.REQUEST_PROPOSE)
    assert refused.outcome == Outcome.REFUSED


def test_a_proposal_from_a_page_showing_another_state_is_refused_as_stale(editor_user, bnp):
    # Source 102 is disabled; the page that posted this showed it enabled.
    wish = Wish(bnp["uuid"], False, False, 102)
    with pytest.raises(ChangeStale, match="changed since you loaded the page"):
        change_request_propose(
            actor=editor_user,
            kind=ChangeRequest.Kind.SOURCE,
            wishes=[wish],
            reason="re-enable",
            request_meta=None,
        )
    assert not ChangeRequest.objects.exists()


def test_viewers_cannot_propose(viewer_user, bnp):
    with pytest.raises(ChangeForbidden):
        propose_disable(viewer_user, bnp)
    assert AuditEntry.objects.get().error_code == "forbidden"


def test_no_self_approval(editor_user, bnp):
    request = propose_disable(editor_user, bnp)
    with pytest.raises(ChangeForbidden, match="someone else"):
        change_request_approve(actor=editor_user, change=request, request_meta=None)
    request.refresh_from_db()
    assert request.status == Status.OPEN and not request.approvals.exists()
    assert _steps(request)[-1] == (Action.REQUEST_APPROVE, Outcome.REFUSED)


def test_approved_by_another_editor_then_applied_through_the_change_service(
    editor_user, other_editor, bnp
):
    request = propose_disable(editor_user, bnp)
    change_request_approve(actor=other_editor, change=request, comment="ok", request_meta=None)
    assert request.status == Status.APPROVED
    change_request_apply(actor=editor_user, change=request, request_meta=None)
    request.refresh_from_db()
    assert request.status == Status.APPLIED and request.result["counts"] == {"succeeded": 1}
    assert get_connector(bnp["uuid"])["hidden"] is True
    write = AuditEntry.objects.get(action=Action.CONNECTOR_DISABLE)
    # The write names the request it applies (beside the stability it was sealed with).
    assert {key: write.details[key] for key in ("change_request", "revision", "approval")} == {
        "change_request": request.pk,
        "revision": 1,
        "approval": "approved by second-editor",
    }
    assert write.details["stability"]["status"] == "stable"
    assert write.reason == "bank outage" and write.actor_username == "editor-user"
    assert write.outcomes.get().outcome == Outcome.SUCCEEDED
    assert [a for a, _ in _steps(request)] == [
        Action.REQUEST_PROPOSE,
        Action.REQUEST_APPROVE,
        Action.REQUEST_APPLY,
        Action.CONNECTOR_DISABLE,
    ]
    assert chain_verify().ok


def test_the_direct_write_path_is_refused_where_approval_is_needed(editor_user, bnp):
    with pytest.raises(ChangeForbidden, match="need approval"):
        connector_set_enabled(
            actor=editor_user,
            uuid=bnp["uuid"],
            enabled=False,
            reason="quick",
            seen_hidden=False,
            request_meta=None,
        )
    assert get_connector(bnp["uuid"])["hidden"] is False


def test_apply_refuses_when_a_target_changed_since_the_proposal(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp)
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    set_connector_hidden(bnp["uuid"], True)  # someone disabled it in the Powens console
    with pytest.raises(ChangeStale, match="BNP Paribas: now disabled"):
        change_request_apply(actor=editor_user, change=request, request_meta=None)
    request.refresh_from_db()
    assert request.status == Status.APPROVED and not request.applied_at
    assert not AuditEntry.objects.filter(action=Action.CONNECTOR_DISABLE).exists()
    assert _steps(request)[-1] == (Action.REQUEST_APPLY, Outcome.REFUSED)


def test_an_unapproved_request_cannot_be_applied(editor_user, bnp):
    request = propose_disable(editor_user, bnp)
    with pytest.raises(ChangeConflict, match="awaiting approval"):
        change_request_apply(actor=editor_user, change=request, request_meta=None)
    assert get_connector(bnp["uuid"])["hidden"] is False


def test_editing_voids_the_approvals(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp)
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    change_request_edit(
        actor=editor_user, change=request, reason="outage, ticket 42", request_meta=None
    )
    request.refresh_from_db()
    assert (request.status, request.revision, request.reason) == (
        Status.OPEN,
        2,
        "outage, ticket 42",
    )
    assert request.approvals.get().revision == 1  # kept, no longer counted
    with pytest.raises(ChangeConflict):
        change_request_apply(actor=editor_user, change=request, request_meta=None)
    edit = AuditEntry.objects.get(action=Action.REQUEST_EDIT)
    assert edit.details["voided_approvals"] == 1 and edit.details["before_reason"] == "bank outage"


def test_only_the_proposer_edits(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp)
    with pytest.raises(ChangeForbidden):
        change_request_edit(
            actor=other_editor, change=request, reason="mine now", request_meta=None
        )


def test_reject_needs_a_reason_and_ends_the_request(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp)
    with pytest.raises(ChangeInvalid, match="reason"):
        change_request_reject(actor=other_editor, change=request, reason="  ", request_meta=None)
    change_request_reject(
        actor=other_editor, change=request, reason="wrong bank", request_meta=None
    )
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == (Status.REJECTED, "wrong bank")
    with pytest.raises(ChangeConflict):
        change_request_approve(actor=other_editor, change=request, request_meta=None)


def test_withdraw_by_the_proposer(editor_user, bnp):
    request = propose_disable(editor_user, bnp)
    change_request_withdraw(
        actor=editor_user, change=request, reason="not needed", request_meta=None
    )
    assert ChangeRequest.objects.get().status == Status.WITHDRAWN


def test_requests_expire_at_their_time(editor_user, other_editor, bnp, settings):
    settings.CHANGE_REQUEST_TTL_HOURS = 2
    request = propose_disable(editor_user, bnp)
    now = timezone.now()
    assert change_requests_expire(now=now + timedelta(hours=1)) == 0
    assert change_requests_expire(now=now + timedelta(hours=2, seconds=1)) == 1
    request.refresh_from_db()
    assert request.status == Status.EXPIRED
    assert _steps(request)[-1] == (Action.REQUEST_EXPIRE, Outcome.SUCCEEDED)
    with pytest.raises(ChangeConflict):
        change_request_approve(actor=other_editor, change=request, request_meta=None)


def test_an_expired_request_is_refused_when_acted_on(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp)
    ChangeRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    request.refresh_from_db()
    with pytest.raises(ChangeInvalid, match="expired"):
        change_request_approve(actor=other_editor, change=request, request_meta=None)
    assert ChangeRequest.objects.get().status == Status.EXPIRED


def test_an_admin_may_bypass_approval_with_a_reason(editor_user, admin_user, bnp):
    request = propose_disable(editor_user, bnp)
    with pytest.raises(ChangeInvalid, match="reason"):
        change_request_apply(actor=admin_user, change=request, bypass_reason="", request_meta=None)
    change_request_apply(
        actor=admin_user, change=request, bypass_reason="bank is down now", request_meta=None
    )
    request.refresh_from_db()
    assert request.status == Status.APPLIED and request.bypassed
    bypass = AuditEntry.objects.get(action=Action.REQUEST_BYPASS, outcome=Outcome.SUCCEEDED)
    assert bypass.details["approval"] == "bypassed" and bypass.reason == "bank is down now"
    write = AuditEntry.objects.get(action=Action.CONNECTOR_DISABLE)
    assert write.details["approval"] == "bypassed"
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_editors_cannot_bypass(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp)
    with pytest.raises(ChangeForbidden, match="Only admins"):
        change_request_apply(
            actor=other_editor, change=request, bypass_reason="hurry", request_meta=None
        )
    assert get_connector(bnp["uuid"])["hidden"] is False


def test_a_batch_request_reads_once_and_applies_as_one_batch(editor_user, other_editor, local_copy):
    enabled = [c["uuid"] for c in local_copy if not c["hidden"]]
    reset_call_count()
    request = propose_batch(editor_user, [*enabled, local_copy[2]["uuid"]])  # Bourso: hidden
    assert call_count() == 1  # one list call
    assert request.targets.count() == len(enabled)  # the hidden one is left out, and said so
    propose = AuditEntry.objects.get(action=Action.REQUEST_PROPOSE)
    assert propose.details["left_out"] == ["BoursoBank: It is already disabled."]
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    reset_call_count()
    change_request_apply(actor=other_editor, change=request, request_meta=None)
    assert call_count() == 3  # the re-read, the batch's own list call, one PATCH
    request.refresh_from_db()
    assert request.result["counts"] == {"succeeded": len(enabled)}
    writes = AuditEntry.objects.filter(action=Action.BATCH_DISABLE)
    assert writes.count() == len(enabled)
    assert {str(w.batch_id) for w in writes} == set(request.result["batch_ids"])
    assert all(w.details["change_request"] == request.pk for w in writes)


def test_a_source_request_applies_to_that_source(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp, source_id=101)
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    change_request_apply(actor=other_editor, change=request, request_meta=None)
    assert get_source(bnp["uuid"], 101)["disabled"] is not None
    assert (
        AuditEntry.objects.get(action=Action.SOURCE_DISABLE).details["change_request"] == request.pk
    )
