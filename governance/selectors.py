"""What the governance pages read: change requests by tab, scheduled steps by status, and the
steps that touch one connector (its detail page lists them)."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.roles import Role, role_of
from audit.services import Actor
from governance.models import Approval, ChangeRequest, PlannedTarget, ScheduledStep
from governance.policy import current_domain

Status = ChangeRequest.Status
REQUEST_TABS = {
    "open": "Open",
    "mine": "Mine",
    "approve": "To approve",
    "decided": "Decided",
}
STEP_TABS = {
    "upcoming": "Upcoming",
    "running": "Running",
    "done": "Done",
    "skipped": "Skipped",
    "cancelled": "Cancelled",
}
# A failed step is finished too: listed with the done ones, marked failed.
_STEP_STATUSES = {"done": ("done", "failed")}


def change_requests_for(*, actor: Actor, tab: str) -> QuerySet[ChangeRequest]:
    """The requests of one tab of /changes/requests/, newest first. "To approve": open ones
    proposed by someone else that ``actor`` (an editor or an admin) has not approved yet."""
    user = actor.pk if actor is not None and actor.is_authenticated else None
    requests = ChangeRequest.objects.filter(approval_required=True).select_related(
        "proposed_by", "decided_by", "applied_by"
    )
    requests = requests.annotate(target_count=Count("targets")).order_by("-proposed_at", "-pk")
    pending = Q(status__in=(Status.OPEN, Status.APPROVED))
    if tab == "mine":
        return requests.filter(proposed_by=user)
    if tab == "approve":
        if user is None or role_of(actor) < Role.EDITOR:  # type: ignore[arg-type]
            return requests.none()
        approved = Approval.objects.filter(
            request=OuterRef("pk"), approver=user, revision=OuterRef("revision")
        )
        return (
            requests.filter(status=Status.OPEN).exclude(proposed_by=user).exclude(Exists(approved))
        )
    if tab == "decided":
        return requests.exclude(pending)
    return requests.filter(pending)


def change_request_get(pk: int) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.select_related("proposed_by", "decided_by", "applied_by")
        .filter(pk=pk)
        .first()
    )


def scheduled_steps_for(*, tab: str) -> QuerySet[ScheduledStep]:
    """The steps of one tab of /changes/scheduled/: upcoming soonest first, others newest."""
    statuses = _STEP_STATUSES.get(tab, (tab,))
    steps = ScheduledStep.objects.filter(status__in=statuses).select_related("request__proposed_by")
    steps = steps.annotate(target_count=Count("request__targets"))
    return steps.order_by("due_at", "pk") if tab == "upcoming" else steps.order_by("-due_at", "-pk")


def connector_scheduled_steps(connector_uuid: str, *, limit: int = 20) -> list[ScheduledStep]:
    """Steps whose plan touches the connector (or one of its sources): what is planned, and
    what ran lately. This domain's only: the connector has the same uuid on the others."""
    requests = PlannedTarget.objects.filter(
        connector_uuid=connector_uuid, request__domain=current_domain()
    ).values("request_id")
    steps = ScheduledStep.objects.filter(request_id__in=requests).select_related("request")
    upcoming = list(steps.filter(status="upcoming").order_by("due_at")[:limit])
    recent = list(
        steps.exclude(status="upcoming").order_by("-due_at")[: max(limit - len(upcoming), 5)]
    )
    return upcoming + recent
