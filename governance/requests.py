"""A change request's life after it is proposed: approve, reject, edit, withdraw, expire, apply.

Four eyes: someone other than the proposer (an editor or an admin) approves; an edit voids the
approvals it had (they stay, for the record, under their revision); a change expires after
``CHANGE_REQUEST_TTL_HOURS``. Applying re-reads Powens and refuses if any target changed since
it was proposed, then runs the plan through the change services (``governance.apply``). An
admin may apply without approval in an emergency, with a reason: "approval bypassed" is then
on the change's entry and in every write entry's details.

Each transition is one conditional UPDATE (status and revision as read), so two people acting
at once never both succeed, and each is an audit entry; refusals are recorded too.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role, role_of
from audit.models import Action
from audit.refusals import (
    ChangeConflict,
    ChangeForbidden,
    ChangeInvalid,
    ChangeRefused,
    ChangeStale,
    Refuser,
    may_change,
)
from audit.services import Actor, RequestMeta
from connectors_ui.changes.pipeline import REASON_MAX_LENGTH, change_begin
from connectors_ui.powens.errors import PowensError
from governance.apply import Move, plan_execute
from governance.models import Approval, ChangeRequest
from governance.plans import plan_changed_since
from governance.records import request_origin, request_record, request_target, user_of
from governance.request_scope import on_its_domain

Status = ChangeRequest.Status
PENDING = (Status.OPEN, Status.APPROVED)


def _refuser(
    change: ChangeRequest, actor: Actor, action: Action, reason: Any, meta: RequestMeta | None
) -> Refuser:
    return Refuser(
        actor, action, reason, meta, request_target(change), details=request_origin(change)
    )


def request_begin(
    change: ChangeRequest,
    actor: Actor,
    action: Action,
    reason: Any,
    meta: RequestMeta | None,
    *,
    reason_required: bool = True,
    seen_revision: int | None = None,
) -> tuple[Refuser, str]:
    """The role (editor or admin), where one is needed a reason, and the revision the page
    showed (``seen_revision``: an approval, or any decision, is about what its author read);
    a change that has expired is marked so first, and refused."""
    if reason_required:
        refuse, text = change_begin(
            actor=actor,
            action=action,
            reason=reason,
            request_meta=meta,
            target=request_target(change),
            origin=request_origin(change),
        )
    else:
        refuse = _refuser(change, actor, action, reason, meta)
        if not may_change(actor):
            raise refuse(ChangeForbidden, "Only editors and admins can act on change requests.")
        text = refuse.reason.strip()[:REASON_MAX_LENGTH]
    if seen_revision is not None and seen_revision != change.revision:
        raise refuse(
            ChangeStale,
            f"This change was edited since you read it (now revision {change.revision}): "
            "read it again first.",
        )
    if _expirable(change) and change.expires_at <= timezone.now():
        change_request_expire(change)
        raise refuse(ChangeInvalid, "This change has expired: propose the change again.")
    return refuse, text


def _move(change: ChangeRequest, expect: Any, **changes: Any) -> bool:
    """Move ``change`` on if it is still as read (status in ``expect``, same revision)."""
    rows = ChangeRequest.objects.filter(
        pk=change.pk, status__in=expect, revision=change.revision
    ).update(**changes)
    if rows:
        for name, value in changes.items():
            setattr(change, name, value)
    return bool(rows)


@on_its_domain
def change_request_approve(
    *,
    actor: Actor,
    change: ChangeRequest,
    comment: Any = "",
    request_meta: RequestMeta | None,
    seen_revision: int | None = None,
) -> ChangeRequest:
    """Approve the change's current revision: anyone with the editor role but its proposer."""
    refuse, comment = request_begin(
        change, actor, Action.REQUEST_APPROVE, comment, request_meta,
        reason_required=False, seen_revision=seen_revision,
    )  # fmt: skip
    if actor == change.proposed_by:
        raise refuse(ChangeForbidden, "You proposed this change: someone else must approve it.")
    if change.status != Status.OPEN:
        raise refuse(ChangeConflict, f"This change is {change.get_status_display().lower()}.")
    with transaction.atomic():
        now = timezone.now()
        if not _move(
            change, [Status.OPEN], status=Status.APPROVED, decided_by=actor, decided_at=now
        ):
            raise refuse(ChangeConflict, "The change changed meanwhile: reload it.")
        Approval.objects.create(
            request=change, approver=user_of(actor), revision=change.revision, comment=comment
        )
        request_record(
            change, actor=actor, action=Action.REQUEST_APPROVE, reason=comment,
            request_meta=request_meta, proposed_by=change.proposed_by.get_username(),
        )  # fmt: skip
    return change


@on_its_domain
def change_request_reject(
    *,
    actor: Actor,
    change: ChangeRequest,
    reason: Any,
    request_meta: RequestMeta | None,
    seen_revision: int | None = None,
) -> ChangeRequest:
    """Reject it, with a reason: anyone with the editor role but its proposer (who withdraws)."""
    refuse, reason = request_begin(
        change, actor, Action.REQUEST_REJECT, reason, request_meta, seen_revision=seen_revision
    )
    if actor == change.proposed_by:
        raise refuse(ChangeForbidden, "You proposed this change: withdraw it instead.")
    changes = {"status": Status.REJECTED, "decided_by": actor, "decided_at": timezone.now()}
    return _close(change, refuse, changes, reason, request_meta)


@on_its_domain
def change_request_withdraw(
    *,
    actor: Actor,
    change: ChangeRequest,
    reason: Any,
    request_meta: RequestMeta | None,
    seen_revision: int | None = None,
) -> ChangeRequest:
    """Its proposer (or an admin) takes it back; a schedule's steps are cancelled with it."""
    refuse, reason = request_begin(
        change, actor, Action.REQUEST_WITHDRAW, reason, request_meta, seen_revision=seen_revision
    )
    if actor != change.proposed_by and role_of(user_of(actor)) < Role.ADMIN:
        raise refuse(ChangeForbidden, "Only its proposer or an admin can withdraw a change.")
    return _close(change, refuse, {"status": Status.WITHDRAWN}, reason, request_meta)


def _close(
    change: ChangeRequest,
    refuse: Refuser,
    changes: dict[str, Any],
    reason: str,
    meta: RequestMeta | None,
) -> ChangeRequest:
    action = refuse.action
    with transaction.atomic():
        if not _move(change, PENDING, **changes, decision_reason=reason):
            raise refuse(ChangeConflict, f"This change is {change.get_status_display().lower()}.")
        change.steps.filter(status="upcoming").update(status="cancelled", note=reason)
        request_record(change, actor=refuse.actor, action=action, reason=reason, request_meta=meta)
    return change


@on_its_domain
def change_request_edit(
    *,
    actor: Actor,
    change: ChangeRequest,
    reason: Any,
    request_meta: RequestMeta | None,
    seen_revision: int | None = None,
) -> ChangeRequest:
    """Its proposer rewrites the reason: a new revision, so approvals given so far are void."""
    refuse, reason = request_begin(
        change, actor, Action.REQUEST_EDIT, reason, request_meta, seen_revision=seen_revision
    )
    if actor != change.proposed_by:
        raise refuse(ChangeForbidden, "Only its proposer can edit a change.")
    before = change.reason
    voided = change.approvals.filter(revision=change.revision).count()
    with transaction.atomic():
        if not _move(change, PENDING, reason=reason, revision=change.revision + 1):
            raise refuse(ChangeConflict, f"This change is {change.get_status_display().lower()}.")
        if change.approval_required:
            _move(change, PENDING, status=Status.OPEN, decided_by=None, decided_at=None)
        request_record(
            change, actor=actor, action=Action.REQUEST_EDIT, reason=reason,
            request_meta=request_meta, before_reason=before, voided_approvals=voided,
        )  # fmt: skip
    return change


def _expirable(change: ChangeRequest) -> bool:
    """Open requests expire; approved ones too, unless scheduled (their steps run then)."""
    return change.status == Status.OPEN or (
        change.status == Status.APPROVED and not change.is_scheduled
    )


@on_its_domain
def change_request_expire(change: ChangeRequest) -> bool:
    """Expire a change still pending; its scheduled steps are skipped. False if it had moved."""
    with transaction.atomic():
        if not _move(change, PENDING, status=Status.EXPIRED):
            return False
        note = "Its change request expired before it was approved."
        change.steps.filter(status="upcoming").update(status="skipped", note=note)
        request_record(change, actor=None, action=Action.REQUEST_EXPIRE)
    return True


def change_requests_expire(*, now: Any = None) -> int:
    """Expire every pending change past its time (the worker runs this periodically)."""
    now = now or timezone.now()
    due = ChangeRequest.objects.filter(
        Q(status=Status.OPEN) | Q(status=Status.APPROVED, steps__isnull=True), expires_at__lte=now
    )
    return sum(change_request_expire(change) for change in due.distinct())


@on_its_domain
def change_request_apply(
    *,
    actor: Actor,
    change: ChangeRequest,
    bypass_reason: Any = None,
    request_meta: RequestMeta | None,
    seen_revision: int | None = None,
) -> ChangeRequest:
    """Apply an approved change now, or (an admin, ``bypass_reason`` given) one that is not.

    Re-reads every target first: if one changed since the proposal, nothing is written.
    """
    bypass = bypass_reason is not None
    action = Action.REQUEST_BYPASS if bypass else Action.REQUEST_APPLY
    refuse, reason = request_begin(
        change, actor, action, bypass_reason or "", request_meta,
        reason_required=bypass, seen_revision=seen_revision,
    )  # fmt: skip
    _may_apply(change, refuse, bypass)
    targets = list(change.targets.all())
    try:
        changed = plan_changed_since(targets, expect_off=False)
    except PowensError:
        raise refuse(
            ChangeRefused,
            "Powens could not be reached to re-read the targets; nothing was applied.",
        ) from None
    if changed:
        raise refuse(
            ChangeStale,
            "Changed since it was proposed, so nothing was applied: " + "; ".join(changed[:5]),
            details={"changed": changed[:50]},
        )
    return _apply(change, targets, refuse, reason, bypass)


def _may_apply(change: ChangeRequest, refuse: Refuser, bypass: bool) -> None:
    if change.is_scheduled:
        raise refuse(ChangeInvalid, "This change is scheduled: it applies at its times.")
    if bypass and role_of(user_of(refuse.actor)) < Role.ADMIN:
        raise refuse(ChangeForbidden, "Only admins can apply a change without approval.")
    allowed = PENDING if bypass else (Status.APPROVED,)
    if change.status not in allowed:
        raise refuse(ChangeConflict, f"This change is {change.get_status_display().lower()}.")


def _apply(
    change: ChangeRequest, targets: list[Any], refuse: Refuser, reason: str, bypass: bool
) -> ChangeRequest:
    actor, now = refuse.actor, timezone.now()
    claimed = _move(
        change, PENDING, status=Status.APPLIED, applied_by=actor, applied_at=now, bypassed=bypass
    )
    if not claimed:
        raise refuse(ChangeConflict, "Someone else is applying or deciding it: reload the change.")
    approval = "bypassed" if bypass else f"approved by {change.decided_by.get_username()}"  # type: ignore[union-attr]
    request_record(
        change, actor=actor, action=refuse.action, reason=reason,
        request_meta=refuse.request_meta, approval=approval,
    )  # fmt: skip
    moves = [Move(t, t.before_off, t.off) for t in targets]
    origin = request_origin(change, approval=approval)
    outcome = plan_execute(request=change, moves=moves, actor=actor, origin=origin)
    change.result = outcome.summary()
    change.save(update_fields=["result"])
    return change
