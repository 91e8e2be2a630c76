"""What every change path shares: input checks, turning Powens answers into outcomes, and the
send-and-record step that follows a sealed intent (the refusals live in ``audit.refusals``)."""

import logging
import uuid as uuid_module
from collections.abc import Callable, Mapping
from typing import Any

from audit.models import Action, AuditEntry, Outcome
from audit.refusals import (
    FORBIDDEN_MESSAGE,
    ChangeForbidden,
    ChangeInvalid,
    Refuser,
    may_change,
)
from audit.services import (
    Actor,
    RequestMeta,
    Target,
    audit_record_outcome,
)
from connectors_ui.changes.outcomes import (
    OUTCOME_MESSAGES,
    ChangeResult,
    answered_result,
    crash_result,
    describe,
    outcome_message,
    result_from_error,
)
from connectors_ui.powens.errors import PowensError

logger = logging.getLogger("connectors_ui.changes")
REASON_MAX_LENGTH = 500


def change_begin(
    actor: Actor,
    action: Action,
    reason: Any,
    request_meta: RequestMeta | None,
    *,
    target: Target | None = None,
    after: Mapping[str, Any] | None = None,
    batch_id: uuid_module.UUID | None = None,
    details: Mapping[str, Any] | None = None,
) -> tuple[Refuser, str]:
    """How every change path starts: a ``Refuser`` for the attempt (it records the reason as
    typed), then the editor role and a reason are required. Returns it and the clean reason.

    Callers pass the full ``target`` (names from the local copy) or, for a batch, its id and
    connectors, so that even a refusal for the wrong role says what someone tried to change."""
    refuse = Refuser(
        actor,
        action,
        reason if isinstance(reason, str) else "",
        request_meta,
        target if target is not None else Target(),
        after,
        batch_id,
        details,
    )
    if not may_change(actor):
        raise refuse(ChangeForbidden, FORBIDDEN_MESSAGE)
    text = reason.strip() if isinstance(reason, str) else ""
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


def send_and_record[T](
    entry: AuditEntry,
    call: Callable[[], T],
    *,
    observe: Callable[[T], dict[str, Any]],
    applied: Callable[[T], bool],
    reflect: Callable[[T], None],
    done: str,
) -> ChangeResult:
    """Call Powens for a sealed intent (outside any transaction) and append the outcome.

    ``done`` is the message on success, naming what changed ("BNP Paribas disabled on this
    domain."), so the user can check it is the change they meant.

    A ``BaseException`` that is not an ``Exception`` (the process being killed) propagates
    without an outcome: the entry stays ``pending`` and reconciliation resolves it.
    """
    try:
        answer = call()
    except PowensError as error:
        result = result_from_error(error)
        audit_record_outcome(entry, result)
        return ChangeResult(entry, result.outcome, outcome_message(result), describe(result))
    except Exception as error:
        audit_record_outcome(entry, crash_result(error))
        raise
    ok = applied(answer)
    result = answered_result(applied=ok, observed=observe(answer), subject="request")
    audit_record_outcome(entry, result)
    if ok:
        reflect_safely(reflect, answer)
    message = done if ok else OUTCOME_MESSAGES[Outcome.UNKNOWN]
    return ChangeResult(entry, result.outcome, message, result.error_message, answer)


def reflect_safely[T](reflect: Callable[[T], None], answer: T) -> None:
    """Update the local copy; the write is already done and recorded, so a failure here must
    not turn it into an error page: the next catalogue refresh repairs the copy."""
    try:
        reflect(answer)
    except Exception:
        logger.exception("Could not reflect a confirmed change in the local catalogue copy.")
