"""Scheduled changes: run each due step once, at its time, through the same change services.

The worker calls ``scheduled_steps_run_due`` every few seconds (``PERIODIC_JOBS``); however many
workers run it at once, a step runs once: it is claimed by one conditional UPDATE
(``upcoming`` → ``running``), which exactly one of them wins on SQLite and PostgreSQL alike.

A step acts as the person who scheduled it (their role is checked when it runs). A target no
longer in the state the plan expects is skipped and recorded (the service refuses it as stale),
never forced; a window's end step restores only the targets its start step changed. A step in a
domain whose policy needs approval runs only once its change is approved; still unapproved at
its time, it is skipped. A step left ``running`` by a worker that died is marked failed after
the in-flight lease: its pending intents are resolved by reconciliation, not written again.
"""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action, Outcome
from audit.refusals import ChangeConflict, ChangeInvalid
from audit.services import IN_FLIGHT_SECONDS, Actor, RequestMeta
from governance.apply import SKIPPED, Move, PlanOutcome, plan_execute
from governance.models import ChangeRequest, PlannedTarget, ScheduledStep
from governance.records import request_origin, request_record
from governance.request_scope import on_its_domain
from governance.requests import change_request_expire, request_begin

Step = ScheduledStep.Status
RUNNABLE = (ChangeRequest.Status.APPROVED, ChangeRequest.Status.DIRECT)
INTERRUPTED = (
    "Interrupted: the worker running it stopped. Its writes are in the audit log; "
    "reconciliation resolves any still pending."
)


def scheduled_steps_run_due(*, now: datetime | None = None) -> list[ScheduledStep]:
    """Run every step due by ``now`` that no other runner has claimed; returns those this call
    ran (or skipped)."""
    now = now or timezone.now()
    _fail_interrupted(now)
    due = ScheduledStep.objects.filter(status=Step.UPCOMING, due_at__lte=now)
    ran = []
    for pk in due.order_by("due_at", "pk").values_list("pk", flat=True):
        step = step_claim(pk, now=now)
        if step is not None:
            ran.append(_run(step))
    return ran


def step_claim(pk: int, *, now: datetime) -> ScheduledStep | None:
    """Claim step ``pk`` for this runner, or None when another one has it already."""
    token = secrets.token_hex(16)
    claimed = ScheduledStep.objects.filter(pk=pk, status=Step.UPCOMING).update(
        status=Step.RUNNING, claim_token=token, started_at=now
    )
    if not claimed:
        return None
    return ScheduledStep.objects.select_related("request__proposed_by").get(pk=pk)


def _fail_interrupted(now: datetime) -> None:
    stale = now - timedelta(seconds=IN_FLIGHT_SECONDS)
    ScheduledStep.objects.filter(status=Step.RUNNING, started_at__lt=stale).update(
        status=Step.FAILED, finished_at=now, note=INTERRUPTED
    )


@on_its_domain
def _run(step: ScheduledStep) -> ScheduledStep:
    change = step.request
    if change.status not in RUNNABLE:
        if change.status == ChangeRequest.Status.OPEN:
            change_request_expire(change)
        return _finish(step, Step.SKIPPED, _not_runnable(change), {})
    moves = _moves(step, change)
    if not moves:
        return _finish(step, Step.SKIPPED, "Its window's start changed nothing to restore.", {})
    approval = "not required" if change.status == ChangeRequest.Status.DIRECT else "approved"
    origin = request_origin(change, step=step.pk, step_kind=step.kind, approval=approval)
    outcome = plan_execute(request=change, moves=moves, actor=change.proposed_by, origin=origin)
    if step.kind == ScheduledStep.Kind.START:
        PlannedTarget.objects.filter(pk__in=outcome.succeeded()).update(changed_by_start=True)
    return _finish(step, *_verdict(outcome), outcome.summary())


def _not_runnable(change: ChangeRequest) -> str:
    if change.status in (ChangeRequest.Status.OPEN, ChangeRequest.Status.EXPIRED):
        return "Not approved by its time: nothing was changed."
    return f"Its change request is {change.get_status_display().lower()}."


def _moves(step: ScheduledStep, change: ChangeRequest) -> list[Move]:
    """At a start (or "at") step each target moves from its proposal state to the asked-for
    one; at a window's end, only those the start changed move back."""
    targets = change.targets.all()
    if step.kind != ScheduledStep.Kind.END:
        return [Move(t, t.before_off, t.off) for t in targets]
    return [Move(t, t.off, t.before_off) for t in targets.filter(changed_by_start=True)]


def _verdict(outcome: PlanOutcome) -> tuple[str, str]:
    counts = outcome.counts()
    done = counts.get(Outcome.SUCCEEDED, 0)
    skipped = counts.get(SKIPPED, 0)
    others = sum(counts.values()) - done - skipped
    note = f"{done} changed, {skipped} skipped (changed since), {others} failed or refused."
    if done:
        return Step.DONE, note
    return (Step.SKIPPED if skipped and not others else Step.FAILED), note


def _finish(step: ScheduledStep, status: str, note: str, result: dict[str, Any]) -> ScheduledStep:
    step.status, step.note, step.result = status, note, result
    step.finished_at = timezone.now()
    step.save(update_fields=["status", "note", "result", "finished_at"])
    action = Action.STEP_SKIP if status == Step.SKIPPED else Action.STEP_RUN
    outcome = Outcome.FAILED if status == Step.FAILED else Outcome.SUCCEEDED
    request_record(
        step.request, actor=None, action=action, outcome=outcome, step=step.pk,
        step_kind=step.kind, due_at=step.due_at.isoformat(), status=status, note=note,
        counts=result.get("counts", {}),
    )  # fmt: skip
    _close_when_done(step.request, step.finished_at)
    return step


def _close_when_done(change: ChangeRequest, now: datetime) -> None:
    """An approved schedule whose last step has run is applied: it leaves the open requests
    and offers no decision any more (its steps say how each went)."""
    left = change.steps.filter(status__in=(Step.UPCOMING, Step.RUNNING)).exists()
    if change.status == ChangeRequest.Status.APPROVED and not left:
        ChangeRequest.objects.filter(pk=change.pk, status=ChangeRequest.Status.APPROVED).update(
            status=ChangeRequest.Status.APPLIED, applied_at=now
        )


@on_its_domain
def scheduled_change_cancel(
    *,
    actor: Actor,
    change: ChangeRequest,
    reason: Any,
    request_meta: RequestMeta | None,
    seen_revision: int | None = None,
) -> int:
    """Cancel the steps of ``change`` that have not run (a window already started keeps its
    targets as they are: its end step is cancelled too). Returns how many were cancelled."""
    refuse, reason = request_begin(
        change, actor, Action.SCHEDULE_CANCEL, reason, request_meta, seen_revision=seen_revision
    )
    if not change.is_scheduled:
        raise refuse(ChangeInvalid, "This change is not scheduled.")
    with transaction.atomic():
        cancelled = change.steps.filter(status=Step.UPCOMING).update(
            status=Step.CANCELLED,
            note=f"Cancelled by {actor.get_username()}: {reason}",  # type: ignore[union-attr]
        )
        if not cancelled:
            raise refuse(ChangeConflict, "Nothing left to cancel: its steps have run.")
        ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeRequest.Status.CANCELLED)
        change.status = ChangeRequest.Status.CANCELLED
        request_record(
            change, actor=actor, action=Action.SCHEDULE_CANCEL, reason=reason,
            request_meta=request_meta, cancelled_steps=cancelled,
        )  # fmt: skip
    return cancelled
