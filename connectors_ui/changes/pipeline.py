"""What every change path shares: input checks, turning Powens answers into outcomes, and the
send-and-record step that follows a sealed intent (the refusals live in ``audit.refusals``)."""

import logging
import uuid as uuid_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from audit.models import Action, AuditEntry, Outcome
from audit.refusals import (
    FORBIDDEN_MESSAGE,
    ChangeForbidden,
    ChangeInvalid,
    Refuser,
    may_change,
)
from audit.selectors import audit_last_change
from audit.services import (
    Actor,
    RequestMeta,
    Result,
    Target,
    audit_record_outcome,
)
from connectors_ui.powens.errors import (
    PowensError,
    PowensMalformedResponse,
    PowensRateLimited,
    PowensTimeout,
)

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


def result_from_error(error: PowensError) -> Result:
    """The outcome of a WRITE that raised. Powens refused it (4xx, 429 included): ``failed``,
    nothing changed. A 5xx may come from a gateway after the change landed (a 504 from a proxy),
    and a lost answer (timeout, reset after sending, malformed body) may hide an applied write:
    ``unknown``, for reconciliation. No connection at all: ``failed``, nothing was sent."""
    ambiguous = isinstance(error, PowensTimeout | PowensMalformedResponse) or (
        error.status is not None and error.status >= 500
    )
    return Result(
        outcome=Outcome.UNKNOWN if ambiguous else Outcome.FAILED,
        powens_status=error.status,
        error_code=error.code or type(error).__name__,
        error_message=error.message or error.description,
        powens_request_id=str(error.request_id) if error.request_id is not None else "",
    )


# The HTTP status of a successful write answer. The client returns only on 2xx and does not
# expose the status (it returns the decoded body); every Powens success is 200 (POWENS_API.md).
SUCCESS_STATUS = 200


def read_failed_result(error: PowensError) -> Result:
    """The read before a write failed, so nothing was sent: ``failed``, never ``unknown``."""
    result = result_from_error(error)
    return replace(
        result,
        outcome=Outcome.FAILED,
        error_message=f"Could not read the current state; nothing was sent. {result.error_message}",
    )


def rate_limited_message(retry_after: float | None = None) -> str:
    """The user's sentence for a 429, read or write: nothing was changed, and when to retry."""
    wait = f"{retry_after:.0f} seconds" if retry_after else "a minute"
    return (
        "Powens is limiting calls from this dashboard (too many requests); nothing was changed. "
        f"Try again in {wait}."
    )


def read_failed_message(error: PowensError) -> str:
    """The user's sentence when the read before a write failed, so nothing was sent."""
    if isinstance(error, PowensRateLimited):
        return rate_limited_message(error.retry_after)
    return "Powens could not be reached to check the current state; nothing was changed."


def crash_result(error: BaseException) -> Result:
    return Result(
        outcome=Outcome.UNKNOWN,
        error_code="internal_error",
        error_message=f"The dashboard failed after sending ({type(error).__name__}).",
    )


# What the user reads when a change did not clearly succeed; success says what changed (``done``).
OUTCOME_MESSAGES = {
    Outcome.FAILED: "Powens refused the change or could not be reached; nothing was changed.",
    Outcome.UNKNOWN: "Powens did not answer clearly: the change may or may not have been applied. "
    "It is marked unknown in the audit log until reconciled.",
}


def outcome_message(result: Result) -> str:
    """The user's sentence for a change that did not clearly succeed. A server error names the
    status Powens answered, since it is why the outcome is unknown rather than failed (the
    code, message and request id follow in ``describe``)."""
    status = result.powens_status
    if status == 429:  # Result keeps no Retry-After
        return rate_limited_message()
    if result.outcome == Outcome.UNKNOWN and status is not None and status >= 500:
        return (
            f"Powens answered {status}: the change may or may not have been applied; "
            "an admin can reconcile it."
        )
    return OUTCOME_MESSAGES[result.outcome]


@dataclass(frozen=True)
class ChangeResult:
    entry: AuditEntry
    outcome: Outcome
    message: str
    detail: str = ""
    answer: Any = None

    @property
    def succeeded(self) -> bool:
        return self.outcome == Outcome.SUCCEEDED


def describe(result: Result) -> str:
    """Powens' message with what support needs to trace it: status, code, request id."""
    facts = [
        f"HTTP {result.powens_status}" if result.powens_status else "",
        result.error_code,
        f"Powens request {result.powens_request_id}" if result.powens_request_id else "",
    ]
    trace = ", ".join(fact for fact in facts if fact)
    return f"{result.error_message} ({trace})" if trace else result.error_message


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
    result = Result(
        outcome=Outcome.SUCCEEDED if ok else Outcome.UNKNOWN,
        powens_status=SUCCESS_STATUS,
        observed=observe(answer),
        error_message="" if ok else "Powens accepted the request but reports a different state.",
    )
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


def is_off(state: Mapping[str, Any] | None) -> bool | None:
    """Hidden connector / disabled source, from an entry's ``before``/``after`` JSON."""
    if not isinstance(state, Mapping):
        return None
    if "hidden" in state:
        return bool(state["hidden"])
    if "disabled" in state:
        return state["disabled"] not in (None, False)
    return None


def last_change_note(
    connector_uuid: str, source_id: int | None = None, *, off_now: bool
) -> tuple[str, AuditEntry | None]:
    """Who changed it, for a stale-write message, and the entry that explains the fresh state.

    Our latest confirmed change is named as the cause only if it set the state seen now
    (``off_now``); otherwise naming its author would blame them for someone else's change in
    the Powens console, so the note says it was changed outside this dashboard.
    """
    last = audit_last_change(connector_uuid, source_id)
    if last is None:
        return " No change to it is recorded here: it was changed outside this dashboard.", None
    who = last.actor_username or "the system"
    summary = f"{last.get_action_display().lower()} by {who}, {last.created_at:%Y-%m-%d %H:%M} UTC"
    set_off = is_off(last.after)
    if set_off == off_now:
        return f" Last recorded change: {summary}.", last
    set_to = "an unknown state" if set_off is None else ("disabled" if set_off else "enabled")
    return (
        f" It was changed outside this dashboard (last change recorded here: {summary}, "
        f"which set it to {set_to}).",
        None,
    )
