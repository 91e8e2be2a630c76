"""Refused attempts: the exceptions a change raises when nothing may be written, and the
``Refuser`` that puts each refusal on the audit record before raising it.

They live with the audit log, not with the code that changes things, because a refusal is an
audit fact: any capability that refuses an audited POST (a Powens write, a catalogue refresh,
reconciliation) records it the same way, and this leaf app depends on no dashboard code.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from accounts.roles import Role, role_of
from audit.models import Action, AuditEntry
from audit.services import Actor, RequestMeta, Target, audit_record_refused


class ChangeRefused(Exception):
    """We wrote nothing to Powens; the refusal is in the audit log as ``entry``. None for a
    refused batch preview, which is no attempt to change anything, and for an attempt beyond
    its account and address's burst of refusals: counted, it is in a summary entry instead
    (``audit.flood``)."""

    code = "refused"

    def __init__(self, message: str, *, entry: AuditEntry | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry
        self.context = context


class ChangeForbidden(ChangeRefused):
    code = "forbidden"


class ChangeInvalid(ChangeRefused):
    code = "invalid"


class ChangeNotFound(ChangeRefused):
    code = "not_found"


class ChangeConflict(ChangeRefused):
    """Another request is changing the same target right now."""

    code = "conflict"


class ChangeStale(ChangeRefused):
    """The state changed since the user loaded the page. ``context``: ``current`` (the fresh
    Powens object) and ``last_change`` (our latest confirmed entry about it, if it is the one
    that set the fresh state; None when it was changed outside this dashboard)."""

    code = "stale"


@dataclass
class Refuser:
    """Records a refusal for one attempted change (in full, or counted when the account and
    address exceed their burst: ``audit.flood``) and returns the matching exception.

    Its fields are ``refused_entry``'s keywords about the attempt, bound once: each refusal
    adds its code and message, the state it saw (``before``) and its own ``details``."""

    actor: Actor
    action: Action
    # The reason as typed; a malformed POST may carry anything, which is recorded as "".
    reason: str
    request_meta: RequestMeta | None
    target: Target = field(default_factory=Target)
    after: Mapping[str, Any] | None = None
    # A batch refused as a whole: its id, and which connectors it was about (in ``details``).
    batch_id: uuid.UUID | None = None
    details: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.reason, str):
            self.reason = ""

    def __call__[E: ChangeRefused](
        self,
        error: type[E],
        message: str,
        *,
        before: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
        **context: Any,
    ) -> E:
        attempt = {f.name: getattr(self, f.name) for f in fields(self)}
        attempt["details"] = {**(self.details or {}), **(details or {})}
        entry = audit_record_refused(**attempt, code=error.code, message=message, before=before)
        return error(message, entry=entry, **context)


FORBIDDEN_MESSAGE = "Only editors and admins can change connectors and sources."


def may_change(actor: Actor | None) -> bool:
    """The editor role or above: checked before anything else about an attempted change."""
    return actor is not None and role_of(actor) >= Role.EDITOR
