"""Propose a change (or schedule one): read what Powens shows now, store it with the plan.

Every proposal starts like every change (``pipeline.change_begin``: the editor role and a
reason, a refusal on the record otherwise), then reads its targets from Powens: one that is
already as asked, or no longer as the proposer's page showed it, is refused (a batch leaves
such connectors out and says so). In a domain whose policy needs approval the request waits
for another editor or an admin; a schedule in a direct domain simply runs at its times.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.refusals import ChangeInvalid, ChangeNotFound, ChangeRefused, ChangeStale, Refuser
from audit.services import Actor, RequestMeta
from connectors_ui.changes.batch import batch_count_check, batch_selection_clean
from connectors_ui.changes.pipeline import change_begin, parse_uuid
from connectors_ui.changes.targets import state_word, target_of
from connectors_ui.powens.errors import PowensError
from governance.models import SEVERAL_TARGETS, ChangeRequest, PlannedTarget, ScheduledStep
from governance.plans import Key, Observed, plan_read, target_label
from governance.policy import approval_required, current_domain
from governance.records import request_record, user_of
from governance.timezones import local_label

READ_FAILED = "Powens could not be reached to read the current state; nothing was proposed."
Kind = ChangeRequest.Kind
CONNECTOR_SETS = (Kind.BATCH, Kind.PROMOTE)  # each connector once (a revert may hold sources)


@dataclass(frozen=True)
class Wish:
    """One target as proposed: a connector (or one source of it), whether it should be off,
    and the off-state the proposer's page showed (None for a batch: the preview's copy)."""

    uuid: Any
    off: Any
    seen_off: Any = None
    source_id: int | None = None
    # What its write entries will carry (``PlannedTarget.details``): a revert's, a promote's.
    details: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Schedule:
    """When a plan applies: at ``starts_at``, or from ``starts_at`` until ``ends_at`` (a window,
    whose end restores what its start changed). UTC instants; ``time_zone`` as entered."""

    starts_at: datetime
    ends_at: datetime | None = None
    time_zone: str = "UTC"

    def label(self) -> str:
        start = local_label(self.starts_at, self.time_zone)
        if self.ends_at is None:
            return f"at {start}"
        return f"from {start} to {local_label(self.ends_at, self.time_zone)}"


def change_request_propose(
    *,
    actor: Actor,
    kind: ChangeRequest.Kind,
    wishes: Sequence[Wish],
    reason: Any,
    request_meta: RequestMeta | None,
    confirm_count: int | None = None,
    schedule: Schedule | None = None,
    to_confirm: int | None = None,
    summary: str = "",
) -> ChangeRequest:
    """Store a plan as a change request (or, scheduled in a direct domain, as a schedule that
    needs none). Raises a ``ChangeRefused`` subclass, recorded, when nothing is stored.

    Several targets (a batch, a revert, a promote) need the typed count above the threshold
    (``to_confirm``: the preview's "will change", default all) and leave out the targets not
    as expected; ``summary`` names the plan (default: from its kind and first target)."""
    action = Action.SCHEDULE_CREATE if schedule else Action.REQUEST_PROPOSE
    refuse, reason = change_begin(
        actor=actor,
        action=action,
        reason=reason,
        request_meta=request_meta,
        origin={"change_request": None},
    )
    wishes = _checked(kind, wishes, confirm_count, to_confirm, refuse)
    if schedule is not None:
        _check_schedule(schedule, refuse)
    targets, left_out = _targets(kind, wishes, refuse)
    summary = summary or _summary(kind, targets)
    return _store(actor, kind, summary, (targets, left_out), reason, schedule, request_meta)


def _checked(
    kind: str,
    wishes: Sequence[Wish],
    confirm_count: int | None,
    to_confirm: int | None,
    refuse: Refuser,
) -> list[Wish]:
    """The wishes with canonical UUIDs; refused when a reference or direction is malformed,
    or (several targets) the typed count is missing."""
    if kind in CONNECTOR_SETS:
        selection = [str(w.uuid) for w in wishes]
        uuids = batch_selection_clean(selection, confirm_count, refuse, to_confirm)
        by_uuid = {parse_uuid(w.uuid): w for w in wishes}
        wishes = [replace(by_uuid[uuid], uuid=uuid) for uuid in uuids]
    elif kind in SEVERAL_TARGETS:
        batch_count_check(len(wishes) if to_confirm is None else to_confirm, confirm_count, refuse)
    checked = [replace(w, uuid=parse_uuid(w.uuid)) for w in wishes]
    if not checked or any(w.uuid is None or not isinstance(w.off, bool) for w in checked):
        raise refuse(ChangeInvalid, "The form is incomplete or a connector reference is invalid.")
    return checked


def _check_schedule(schedule: Schedule, refuse: Refuser) -> None:
    if schedule.starts_at <= timezone.now():
        raise refuse(ChangeInvalid, "The start time has passed: choose a time in the future.")
    if schedule.ends_at is not None and schedule.ends_at <= schedule.starts_at:
        raise refuse(ChangeInvalid, "The window must end after it starts.")


def _targets(
    kind: str, wishes: list[Wish], refuse: Refuser
) -> tuple[list[PlannedTarget], list[str]]:
    """Each wish as Powens shows its target now (the plan's ``before``). A single target
    that is missing, already as asked or changed since the page was shown refuses the
    proposal; a batch leaves those out (listed in the second value)."""
    keys: list[Key] = [(w.uuid, w.source_id) for w in wishes]
    try:
        observed = plan_read(keys)
    except PowensError:
        raise refuse(ChangeRefused, READ_FAILED) from None
    targets, left_out = [], []
    for wish, key in zip(wishes, keys, strict=True):
        now = observed.get(key)
        problem = _problem(wish, now)
        if problem and kind not in SEVERAL_TARGETS:
            raise refuse(*problem)
        if problem:
            why = "changed since, skipped" if kind == Kind.REVERT else problem[1]
            left_out.append(f"{(now.name if now else '') or wish.uuid}: {why}")
            continue
        assert now is not None
        targets.append(_planned(wish, now))
    if not targets:
        raise refuse(ChangeInvalid, "Nothing to change: " + "; ".join(left_out[:5]))
    return targets, left_out


def _problem(wish: Wish, now: Observed | None) -> tuple[type[ChangeRefused], str] | None:
    if now is None:
        return ChangeNotFound, "Powens does not list it (any more)."
    if now.off == wish.off:
        return ChangeInvalid, f"It is already {state_word(not wish.off)}."
    if wish.seen_off is not None and wish.seen_off != now.off:
        return ChangeStale, (
            f"It changed since you loaded the page: it is now {state_word(not now.off)}. "
            "Nothing was proposed."
        )
    return None


def _planned(wish: Wish, now: Observed) -> PlannedTarget:
    names = _local_names(wish)
    return PlannedTarget(
        connector_uuid=wish.uuid,
        connector_name=(now.name or names[0])[:255],
        source_id=wish.source_id,
        source_name=(now.source_name or names[1])[:64],
        off=wish.off,
        before_off=now.off,
        before=now.state,
        details=dict(wish.details or {}),
    )


def _local_names(wish: Wish) -> tuple[str, str]:
    """The connector's (and source's) names from the local copy: a source's GET names only
    the source, a connector's only the connector."""
    local = target_of(wish.uuid, wish.source_id).local()
    return local.connector_name, local.source_name


def _summary(kind: str, targets: list[PlannedTarget]) -> str:
    verb = "Disable" if targets[0].off else "Enable"
    if kind == ChangeRequest.Kind.BATCH:
        return f"{verb} {len(targets):,} connector{'s' if len(targets) != 1 else ''}"
    return f"{verb} {target_label(targets[0])}"


def _store(
    actor: Actor,
    kind: ChangeRequest.Kind,
    summary: str,
    plan: tuple[list[PlannedTarget], list[str]],
    reason: str,
    schedule: Schedule | None,
    request_meta: RequestMeta | None,
) -> ChangeRequest:
    """The request, its targets (and those left out) and steps, and its audit entry, in one
    transaction."""
    targets, left_out = plan
    now = timezone.now()
    needs = approval_required()
    expires = now + timedelta(hours=settings.CHANGE_REQUEST_TTL_HOURS)
    if schedule is not None:
        expires = min(expires, schedule.starts_at) if needs else schedule.starts_at
    status = ChangeRequest.Status.OPEN if needs or schedule is None else ChangeRequest.Status.DIRECT
    summary += f", {schedule.label()}" if schedule else ""
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            domain=current_domain(),
            kind=kind,
            summary=summary[:255],
            reason=reason,
            status=status,
            approval_required=needs,
            proposed_by=user_of(actor),
            proposed_at=now,
            expires_at=expires,
        )
        for target in targets:
            target.request = request
        PlannedTarget.objects.bulk_create(targets, batch_size=500)
        if schedule is not None:
            ScheduledStep.objects.bulk_create(_steps(request, schedule))
        request_record(
            request,
            actor=actor,
            action=Action.SCHEDULE_CREATE if schedule else Action.REQUEST_PROPOSE,
            reason=reason,
            request_meta=request_meta,
            targets=len(targets),
            approval="required" if needs else "not required",
            left_out=left_out[:50],
        )
    return request


def _steps(request: ChangeRequest, schedule: Schedule) -> list[ScheduledStep]:
    zone = schedule.time_zone
    if schedule.ends_at is None:
        kind = ScheduledStep.Kind.AT
        return [
            ScheduledStep(request=request, kind=kind, due_at=schedule.starts_at, time_zone=zone)
        ]
    return [
        ScheduledStep(
            request=request,
            kind=ScheduledStep.Kind.START,
            due_at=schedule.starts_at,
            time_zone=zone,
        ),
        ScheduledStep(
            request=request, kind=ScheduledStep.Kind.END, due_at=schedule.ends_at, time_zone=zone
        ),
    ]
