"""An unsaved ``AuditEntry`` from the audit values: the one place that maps who acted, on what
and from which request onto the entry's columns (each cut to its column's size)."""

from typing import Any

from accounts.roles import role_of
from accounts.scope import scope_name
from audit.capping import USER_AGENT_CAP, capped
from audit.models import Action, AuditEntry, Outcome
from audit.values import NO_TARGET, Actor, RequestMeta, Target


def actor_columns(actor: Actor, name: str = "") -> dict[str, Any]:
    """Who acted: a signed-in user, or ``name`` for an actor that is no user ("cli", "system",
    "manage.py createsuperuser")."""
    if actor is None or not actor.is_authenticated:
        return {"actor": None, "actor_username": name[:150], "actor_role": ""}
    return {
        "actor": actor,
        "actor_username": actor.get_username(),
        "actor_role": role_of(actor).label,
    }


def entry_build(
    *,
    actor: Actor,
    action: Action,
    outcome: Outcome,
    target: Target = NO_TARGET,
    request_meta: RequestMeta | None = None,
    domain: str | None = None,
    actor_username: str = "",
    **columns: Any,
) -> AuditEntry:
    """``domain``: the domain the entry is about; by default the one the work acts on."""
    meta = request_meta or RequestMeta()
    return AuditEntry(
        domain=scope_name() if domain is None else domain,
        **actor_columns(actor, actor_username),
        action=action,
        outcome=outcome,
        connector_uuid=target.connector_uuid[:64],
        connector_name=target.connector_name[:255],
        source_id=target.source_id,
        source_name=target.source_name[:64],
        client_ip=meta.client_ip,
        user_agent=capped(meta.user_agent, USER_AGENT_CAP),
        request_id=meta.request_id[:64],
        **columns,
    )
