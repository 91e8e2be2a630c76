"""The change request page's view-model: the plan (first targets), approvals, steps with their
times in the reader's zone, and which actions this reader is offered. The services decide;
this only spares people buttons that would be refused."""

from dataclasses import dataclass
from typing import Any

from accounts.roles import Role, role_of
from audit.models import Action, AuditEntry
from governance.models import ChangeRequest, ScheduledStep
from governance.timezones import local_label

TARGETS_SHOWN = 100
# The request's own steps; the writes it caused are in the batch or the targets' history.
GOVERNANCE_ACTIONS = [a for a in Action if a.value.startswith(("request_", "schedule_", "step_"))]
Status = ChangeRequest.Status


@dataclass(frozen=True)
class StepRow:
    step: ScheduledStep
    due: str  # in the zone it was entered in, with UTC
    due_here: str  # in the reader's zone


def step_rows(steps: Any, zone: str) -> list[StepRow]:
    return [
        StepRow(step, local_label(step.due_at, step.time_zone), local_label(step.due_at, zone))
        for step in steps
    ]


def _offers(request: ChangeRequest, user: Any) -> dict[str, bool]:
    role = role_of(user)
    editor = role >= Role.EDITOR
    mine = request.proposed_by_id == user.pk
    pending = request.status in (Status.OPEN, Status.APPROVED)
    scheduled = request.is_scheduled
    upcoming = request.steps.filter(status=ScheduledStep.Status.UPCOMING).exists()
    return {
        "approve": editor and not mine and request.status == Status.OPEN,
        "reject": editor and not mine and pending,
        "edit": mine and editor and pending,
        "withdraw": editor and pending and (mine or role >= Role.ADMIN),
        "apply": editor and request.status == Status.APPROVED and not scheduled,
        "bypass": role >= Role.ADMIN and request.status == Status.OPEN and not scheduled,
        "cancel": editor and scheduled and upcoming,
    }


def request_page_context(request: ChangeRequest, user: Any, zone: str) -> dict[str, Any]:
    targets = request.targets.all()
    history = AuditEntry.objects.filter(
        action__in=GOVERNANCE_ACTIONS, details__change_request=request.pk
    ).order_by("seq")
    return {
        "req": request,
        "targets": targets[:TARGETS_SHOWN],
        "target_count": targets.count(),
        "approvals": request.approvals.select_related("approver"),
        "steps": step_rows(request.steps.all(), zone),
        "offers": _offers(request, user),
        "history": history[:200],
        "zone": zone,
    }
