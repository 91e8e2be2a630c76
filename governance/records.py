"""How governance names a request in the audit log: the target columns (a single target's
connector and source, so the entry shows in that connector's history) and the ``details`` every
entry about it carries, writes included (their ``origin``)."""

from typing import Any

from audit.models import Action, AuditEntry, Outcome
from audit.services import Actor, RequestMeta, Target, audit_record_event
from governance.models import ChangeRequest

SCHEDULER = "scheduler"  # the actor name of steps the runner skips on its own


def user_of(actor: Actor) -> Any:
    """The signed-in user behind ``actor``, for the request's own columns: every service has
    checked the editor role (so a signed-in user) before it stores anything."""
    if actor is None or not actor.is_authenticated:
        raise ValueError("A change request is acted on by a signed-in user.")
    return actor


def request_target(request: ChangeRequest) -> Target:
    """The audit target of an entry about ``request``: its one target, else none (a batch's
    targets are in the write entries)."""
    targets = list(request.targets.all()[:2])
    if len(targets) != 1:
        return Target()
    t = targets[0]
    return Target(t.connector_uuid, t.connector_name, t.source_id, t.source_name)


def request_origin(request: ChangeRequest, **extra: Any) -> dict[str, Any]:
    """What every entry about ``request`` carries in its details."""
    return {"change_request": request.pk, "revision": request.revision, **extra}


def request_record(
    request: ChangeRequest,
    *,
    actor: Actor,
    action: Action,
    reason: str = "",
    request_meta: RequestMeta | None = None,
    outcome: Outcome = Outcome.SUCCEEDED,
    **details: Any,
) -> AuditEntry:
    """One step of ``request``'s life on the record."""
    return audit_record_event(
        actor=actor,
        action=action,
        reason=reason,
        target=request_target(request),
        outcome=outcome,
        request_meta=request_meta,
        details=request_origin(request, summary=request.summary, **details),
        actor_username="" if actor is not None else SCHEDULER,
    )
