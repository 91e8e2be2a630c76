"""Enable or disable one connector, or one of its sources, on the Powens domain.

One toggle pipeline serves both, parameterised by a target (``changes.targets``): a
``ConnectorTarget`` or a ``SourceTarget``. Order of work (STYLE habit 8): authorise, validate,
claim the target (``changes.claims``: one change at a time on it), re-read the current state
from Powens (one GET), refuse if it differs from what the user saw, seal the ``pending`` intent
(committed), call Powens outside any transaction, append the outcome, reflect it in the local
copy; when the answer was lost (``unknown``), read the target back at once and record what the
read proves; then give the claim back.
"""

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Unpack

from audit.models import Outcome
from audit.refusals import (
    FORBIDDEN_MESSAGE,
    ChangeConflict,
    ChangeForbidden,
    ChangeInvalid,
    ChangeNotFound,
    ChangeStale,
    Refuser,
    may_change,
)
from audit.services import Actor, Intent, RequestMeta, audit_position
from connectors_ui.catalogue.mirror import catalogue_mark_removed
from connectors_ui.changes.claims import Claims, claims_renew
from connectors_ui.changes.contexts import ToggleContext
from connectors_ui.changes.outcomes import ChangeResult, last_change_note, read_back_message
from connectors_ui.changes.pipeline import (
    change_begin,
    change_claimed,
    change_read_failed,
    change_seal,
    change_send_and_record,
    reflect_safely,
)
from connectors_ui.changes.reconcile import change_read_back
from connectors_ui.changes.targets import (
    ConnectorTarget,
    SourceTarget,
    ToggleTarget,
    state_word,
)
from connectors_ui.powens.errors import PowensError, PowensNotFound


def _toggle(
    target: ToggleTarget,
    *,
    seen_off: Any,
    actor: Actor,
    reason: Any,
    request_meta: RequestMeta | None,
    origin: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> ChangeResult:
    """The one toggle pipeline; raises a ``ChangeRefused`` subclass (already recorded) when
    nothing may be written. ``seen_off`` is the state the user's page showed."""
    refuse, reason = change_begin(
        actor=actor,
        action=target.action,
        reason=reason,
        request_meta=request_meta,
        target=target.local(),
        after=target.after,
        details=details,
        origin=origin,
    )
    if not target.complete or not isinstance(seen_off, bool):
        raise refuse(ChangeInvalid, target.incomplete)
    with change_claimed(refuse, target.identity, target.noun) as claims:
        return _read_and_write(target, refuse, reason, seen_off, claims)


def _read_and_write(
    target: ToggleTarget, refuse: Refuser, reason: str, seen_off: bool, claims: Claims
) -> ChangeResult:
    """Holding the target's claim: read it, refuse a stale write, seal, write, record, and
    read an unclear answer back at once."""
    read_since = audit_position()
    try:
        current = target.read()
    except PowensNotFound:
        raise refuse(ChangeNotFound, _not_known(target)) from None
    except PowensError as error:
        intent = Intent(target.action, refuse.target, {target.key: seen_off}, target.after)
        return change_read_failed(refuse=refuse, intent=intent, reason=reason, error=error)
    refuse.target = target.named(current, refuse.target)
    _refuse_unless_writable(target, refuse, current, seen_off)
    if not claims_renew(claims):
        raise refuse(
            ChangeConflict,
            f"Another change took this {target.noun} over while Powens was slow to answer; "
            "nothing was written. Reload the page to see its state.",
        )
    intent = Intent(target.action, refuse.target, target.state(current), target.after)
    entry = change_seal(refuse=refuse, intent=intent, reason=reason, read_since=read_since)
    done = target.done(refuse.target)
    result = change_send_and_record(entry=entry, write=target, done=done)
    if result.outcome != Outcome.UNKNOWN or not claims_renew(claims):
        return result
    outcome = change_read_back(entry=entry, target=target, actor=refuse.actor)
    return replace(result, outcome=outcome, message=read_back_message(outcome, done))


def _not_known(target: ToggleTarget) -> str:
    """Powens answered 404 to the read: a connector it does not know is gone from the
    catalogue, so the copy marks it removed at once. (A source's 404 may mean either the
    source or its connector: the next refresh tells.)"""
    message = f"Powens does not know this {target.noun} (any more)."
    if isinstance(target, ConnectorTarget) and catalogue_mark_removed(target.checked_uuid):
        message += " It is now marked removed here: it can no longer be changed."
    return message


def _refuse_unless_writable(
    target: ToggleTarget, refuse: Refuser, current: Any, seen_off: bool
) -> None:
    """Refuse a write that would not do what the user meant: the state moved since their page
    was loaded (stale: shown fresh, with who changed it), or it already is what they asked."""
    now_off = target.is_off(current)
    if now_off != seen_off:
        reflect_safely(target.reflect, current)  # so the user sees the fresh state
        note, last_change = last_change_note(
            target.checked_uuid, target.source_id_or_none, off_now=now_off
        )
        raise refuse(
            ChangeStale,
            f"This {target.noun} changed since you loaded the page: it is now "
            f"{state_word(not now_off)}. Nothing was written." + note,
            before={target.key: seen_off},
            details={"current": target.state(current)},
            current=current,
            last_change=last_change,
        )
    if now_off != target.enabled:
        raise refuse(
            ChangeInvalid,
            f"The {target.noun} is already {state_word(target.enabled)}.",
            before=target.state(current),
        )


def connector_set_enabled(
    *, uuid: str, enabled: bool, seen_hidden: bool | None, **context: Unpack[ToggleContext]
) -> ChangeResult:
    """Enable (``hidden=false``) or disable (``hidden=true``) one connector via PUT (E3).

    Raises a ``ChangeRefused`` subclass (already recorded) when nothing may be written.
    """
    return _toggle(ConnectorTarget(uuid, enabled), seen_off=seen_hidden, **context)


def source_set_enabled(
    *,
    uuid: str,
    source_id: int,
    enabled: bool,
    seen_disabled: bool | None,
    disable_at: datetime | None = None,
    **context: Unpack[ToggleContext],
) -> ChangeResult:
    """Enable (``disabled=null``) or disable (``disabled=<now>``, or ``disable_at``: the date
    a revert restores) one source via PUT (E8)."""
    target = SourceTarget(uuid, enabled, source_id, disable_at)
    return _toggle(target, seen_off=seen_disabled, **context)


def change_record_not_found(
    *,
    actor: Actor,
    ref: str,
    source_id: int | None = None,
    enabled: bool | None,
    reason: Any,
    request_meta: RequestMeta | None,
) -> ChangeNotFound | ChangeForbidden:
    """A change posted for a connector (or source) the local copy does not know: the user gets
    a 404, but the attempt is on the record like any refusal. Returns the recorded refusal.

    The role comes first, as for any change: someone who may not change anything is refused
    as forbidden (403), so they cannot tell known references from unknown ones.
    A form that chose neither direction is recorded under the enable action with no ``after``.
    """
    chose = enabled is not False
    target = (
        ConnectorTarget(ref, chose) if source_id is None else SourceTarget(ref, chose, source_id)
    )
    refuse = Refuser(actor, target.action, reason, request_meta, target.local())
    # As posted: the audit log caps each text with a visible marker.
    posted = {"reference": str(ref)}
    if source_id is not None:  # kept as text: it may not fit the source_id column
        posted["source_id"] = str(source_id)
    if not may_change(actor):
        return refuse(ChangeForbidden, FORBIDDEN_MESSAGE, details=posted)
    return refuse(ChangeNotFound, f"Unknown {target.noun}.", details=posted)
