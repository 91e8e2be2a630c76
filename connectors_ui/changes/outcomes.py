"""What came of a change, and what the user reads about it: the rules that turn a Powens
answer or error into an audit ``Result``, the sentences for each outcome, and the note that
says who last changed a target when a write is refused as stale."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from audit.models import AuditEntry, Outcome
from audit.selectors import audit_last_change
from audit.services import Result
from connectors_ui.powens.errors import (
    PowensError,
    PowensMalformedResponse,
    PowensRateLimited,
    PowensTimeout,
)


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


def answered_result(*, applied: bool, observed: Mapping[str, Any], subject: str) -> Result:
    """The outcome of a write Powens answered 2xx: ``succeeded`` if the answer shows the state
    we asked for; otherwise ``unknown``, since Powens took the ``subject`` ("request", "batch")
    and reports something else, and only a later read can tell what holds."""
    return Result(
        outcome=Outcome.SUCCEEDED if applied else Outcome.UNKNOWN,
        powens_status=SUCCESS_STATUS,
        observed=observed,
        error_message=""
        if applied
        else f"Powens accepted the {subject} but reports a different state.",
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
    """The outcome when our own code failed after the write was sent: ``unknown``, since the
    write may have landed; reconciliation resolves it."""
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


def busy_message(noun: str, holder: str) -> str:
    """The user's sentence when another change holds the target (``changes.claims``)."""
    return (
        f"This {noun} is being changed by {holder or 'someone else'} right now; nothing was "
        "written. Reload the page in a moment to see its new state."
    )


STATE_UNKNOWN_MESSAGE = (
    "Powens did not answer clearly and could not be read back: the change may or may not have "
    "been applied, so its state is shown as unknown. Use “Check again” in a moment."
)


def read_back_message(outcome: Outcome, done: str) -> str:
    """The user's sentence after an unclear answer and the read that followed it at once:
    ``done`` (what changed) when the read shows the change applied."""
    if outcome == Outcome.SUCCEEDED:
        return f"{done} Powens' answer was lost, but reading it back shows the change applied."
    if outcome == Outcome.FAILED:
        return (
            "Powens did not answer clearly, and reading it back shows the change was not "
            "applied: nothing was changed."
        )
    return STATE_UNKNOWN_MESSAGE


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
    """What one change came to, as the view shows it: the audit entry, its outcome, the
    user's sentence, Powens' own words when it did not succeed, and Powens' answer."""

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
