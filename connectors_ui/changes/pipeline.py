"""How a change to Powens runs (STYLE habit 8): begin it (role and reason), claim the target
(``changes.claims``) until the outcome is recorded, seal the ``pending`` intent (committed),
send it outside any transaction and record the outcome, then reflect Powens' answer in the local
copy. A batch shares the beginning and the reflection and claims, seals and sends its own way
(many targets, chunked writes); the refusals live in ``audit.refusals`` and the outcome rules
in ``changes.outcomes``."""

import logging
import uuid as uuid_module
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from audit.models import Action, AuditEntry, Outcome
from audit.refusals import (
    FORBIDDEN_MESSAGE,
    ChangeConflict,
    ChangeForbidden,
    ChangeInvalid,
    Refuser,
    may_change,
)
from audit.services import (
    Actor,
    Intent,
    RequestMeta,
    Target,
    audit_record_intents,
    audit_record_outcome,
)
from connectors_ui.catalogue.health_history import health_at_change
from connectors_ui.changes.claims import Claims, Key, claimed
from connectors_ui.changes.outcomes import (
    OUTCOME_MESSAGES,
    ChangeResult,
    answered_result,
    busy_message,
    crash_result,
    describe,
    outcome_message,
    read_failed_message,
    read_failed_result,
    result_from_error,
)
from connectors_ui.powens.errors import PowensError
from governance.policy import approval_required

logger = logging.getLogger("connectors_ui.changes")
REASON_MAX_LENGTH = 500
APPROVAL_REQUIRED_MESSAGE = (
    "Changes on this domain need approval: propose the change and have another editor or an "
    "admin approve it."
)


def change_begin(
    *,
    actor: Actor,
    action: Action,
    reason: Any,
    request_meta: RequestMeta | None,
    target: Target | None = None,
    after: Mapping[str, Any] | None = None,
    batch_id: uuid_module.UUID | None = None,
    details: Mapping[str, Any] | None = None,
    origin: Mapping[str, Any] | None = None,
) -> tuple[Refuser, str]:
    """How every change path starts: a ``Refuser`` for the attempt (it records the reason as
    typed), then the editor role and a reason are required. Returns it and the clean reason.

    Callers pass the full ``target`` (names from the local copy) or, for a batch, its id and
    connectors, so that even a refusal for the wrong role says what someone tried to change.
    ``origin`` says where an approved or scheduled change comes from (``governance``): it goes
    into the details of every entry; without one, a domain whose policy needs approval refuses
    the change (a direct POST cannot skip the second pair of eyes)."""
    refuse = Refuser(
        actor=actor,
        action=action,
        reason=reason,
        request_meta=request_meta,
        target=target if target is not None else Target(),
        after=after,
        batch_id=batch_id,
        details={**(details or {}), **(origin or {})},
    )
    if not may_change(actor):
        raise refuse(ChangeForbidden, FORBIDDEN_MESSAGE)
    if origin is None and approval_required():
        raise refuse(ChangeForbidden, APPROVAL_REQUIRED_MESSAGE)
    text = refuse.reason.strip()
    if not text:
        raise refuse(ChangeInvalid, "A reason is required for every change.")
    if len(text) > REASON_MAX_LENGTH:
        raise refuse(
            ChangeInvalid, f"The reason is too long (at most {REASON_MAX_LENGTH} characters)."
        )
    return refuse, text


def parse_uuid(value: Any) -> str | None:
    """The canonical lower-case form of a connector UUID, or None if it is not one."""
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        return None


@contextmanager
def change_claimed(refuse: Refuser, key: Key, noun: str) -> Iterator[Claims]:
    """Hold one target (``changes.claims``) from the read before the write until the outcome
    is recorded. A target another change holds is refused as a conflict, on the record, with
    who holds it: that change is between its read and its outcome, so whatever this one would
    read now may be gone when it writes."""
    with claimed(keys=[key], actor=refuse.actor) as claims:
        if key not in claims.held:
            who = claims.busy.get(key, "")
            raise refuse(ChangeConflict, busy_message(noun, who), details={"claimed_by": who})
        yield claims


def change_seal(
    *, refuse: Refuser, intent: Intent, reason: str, read_since: int | None = None
) -> AuditEntry:
    """Commit the ``pending`` intent before Powens is called, so a crash leaves it visible.

    An intent on the same target still in flight (or sealed since ``read_since``, when our
    read of the current state happened) refuses this one as a conflict. The target's
    stability in the copy goes into the intent's details (was it down when it was disabled?)."""
    target = intent.target
    sealed = audit_record_intents(
        actor=refuse.actor,
        intents=[intent],
        reason=reason,
        request_meta=refuse.request_meta,
        read_since=read_since,
        details={
            **(refuse.details or {}),
            **health_at_change(target.connector_uuid, target.source_id),
        },
    )
    if sealed.conflicts:
        raise refuse(
            ChangeConflict,
            "Another change to this target is in progress; try again in a moment.",
            before=intent.before,
        )
    return sealed.entries[0]


def change_read_failed(
    *, refuse: Refuser, intent: Intent, reason: str, error: PowensError
) -> ChangeResult:
    """The read before the write failed, so nothing was written: the attempt is sealed and
    recorded as ``failed`` (not refused: Powens, not a rule, stopped it)."""
    entry = change_seal(refuse=refuse, intent=intent, reason=reason)
    result = read_failed_result(error)
    audit_record_outcome(entry, result)
    return ChangeResult(
        entry, result.outcome, read_failed_message(error), describe(result_from_error(error))
    )


class Write[T](Protocol):
    """One write to Powens for a sealed intent, and what to make of Powens' answer to it."""

    def send(self) -> T:
        """Call Powens; raises a ``PowensError`` when it does not answer 2xx."""
        ...

    def applied(self, answer: T) -> bool:
        """Whether the answer shows the state we asked for."""
        ...

    def observed(self, answer: T) -> Mapping[str, Any]:
        """The state the answer shows, as the audit outcome records it."""
        ...

    def reflect(self, answer: T) -> None:
        """Put the answer into the local copy."""
        ...


def change_send_and_record[T](*, entry: AuditEntry, write: Write[T], done: str) -> ChangeResult:
    """Send ``write`` for the sealed ``entry`` (outside any transaction), append the outcome,
    and reflect a confirmed answer in the local copy.

    ``done`` is the message on success, naming what changed ("BNP Paribas disabled on this
    domain."), so the user can check it is the change they meant.

    A ``BaseException`` that is not an ``Exception`` (the process being killed) propagates
    without an outcome: the entry stays ``pending`` and reconciliation resolves it.
    """
    try:
        answer = write.send()
    except PowensError as error:
        result = result_from_error(error)
        audit_record_outcome(entry, result)
        return ChangeResult(entry, result.outcome, outcome_message(result), describe(result))
    except Exception as error:
        audit_record_outcome(entry, crash_result(error))
        raise
    applied = write.applied(answer)
    result = answered_result(applied=applied, observed=write.observed(answer), subject="request")
    audit_record_outcome(entry, result)
    if applied:
        reflect_safely(write.reflect, answer)
    message = done if applied else OUTCOME_MESSAGES[Outcome.UNKNOWN]
    return ChangeResult(entry, result.outcome, message, result.error_message, answer)


def reflect_safely[T](reflect: Callable[[T], None], answer: T) -> None:
    """Update the local copy; the write is already done and recorded, so a failure here must
    not turn it into an error page: the next catalogue refresh repairs the copy."""
    try:
        reflect(answer)
    except Exception:
        logger.exception("Could not reflect a confirmed change in the local catalogue copy.")
