"""Enable or disable one connector, or one of its sources, on the Powens domain.

Order of work (STYLE habit 8): authorise, validate, re-read the current state from Powens (one
GET), refuse if it differs from what the user saw, seal the ``pending`` intent (committed),
call Powens outside any transaction, append the outcome, reflect it in the local copy.
"""

from datetime import UTC, datetime
from typing import Any

from audit.models import Action, AuditEntry
from audit.services import (
    Actor,
    Intent,
    RequestMeta,
    Target,
    audit_position,
    audit_record_intents,
    audit_record_outcome,
)
from connectors_ui.catalogue.mirror import catalogue_apply_connector, catalogue_apply_source
from connectors_ui.changes.pipeline import (
    FORBIDDEN_MESSAGE,
    ChangeConflict,
    ChangeForbidden,
    ChangeInvalid,
    ChangeNotFound,
    ChangeResult,
    ChangeStale,
    Refuser,
    change_begin,
    describe,
    last_change_note,
    may_change,
    parse_uuid,
    read_failed_message,
    read_failed_result,
    reflect_safely,
    result_from_error,
    send_and_record,
)
from connectors_ui.models import CatalogueConnector, CatalogueSource
from connectors_ui.powens import get_client
from connectors_ui.powens.client import DATETIME_FORMAT
from connectors_ui.powens.errors import PowensError, PowensNotFound


def _read_failed(refuse: Refuser, intent: Intent, reason: str, error: PowensError) -> ChangeResult:
    """The pre-write read failed: nothing was written. Record the attempt as failed."""
    entry = _seal(refuse, intent, reason)
    result = read_failed_result(error)
    audit_record_outcome(entry, result)
    return ChangeResult(
        entry, result.outcome, read_failed_message(error), describe(result_from_error(error))
    )


def _seal(
    refuse: Refuser, intent: Intent, reason: str, read_since: int | None = None
) -> AuditEntry:
    sealed = audit_record_intents(
        actor=refuse.actor,
        intents=[intent],
        reason=reason,
        request_meta=refuse.request_meta,
        read_since=read_since,
    )
    if sealed.conflicts:
        raise refuse(
            ChangeConflict,
            "Another change to this target is in progress; try again in a moment.",
            before=intent.before,
        )
    return sealed.entries[0]


def connector_set_enabled(
    *,
    actor: Actor,
    uuid: str,
    enabled: bool,
    reason: str,
    seen_hidden: bool | None,
    request_meta: RequestMeta | None,
) -> ChangeResult:
    """Enable (``hidden=false``) or disable (``hidden=true``) one connector via PUT (E3).

    Raises a ``ChangeRefused`` subclass (already recorded) when nothing may be written.
    """
    action = Action.CONNECTOR_ENABLE if enabled else Action.CONNECTOR_DISABLE
    hidden = not enabled
    canonical = parse_uuid(uuid)
    refuse, reason = change_begin(
        actor,
        action,
        reason,
        request_meta,
        target=_local_target(uuid, canonical),
        after={"hidden": hidden},
    )
    if canonical is None or not isinstance(seen_hidden, bool) or not isinstance(enabled, bool):
        raise refuse(
            ChangeInvalid, "The form is incomplete or the connector reference is not a UUID."
        )
    client = get_client()
    intent = Intent(action, refuse.target, {"hidden": seen_hidden}, {"hidden": hidden})
    read_since = audit_position()
    try:
        current = client.get_connector(canonical)
    except PowensNotFound:
        raise refuse(ChangeNotFound, "Powens does not know this connector (any more).") from None
    except PowensError as error:
        return _read_failed(refuse, intent, reason, error)
    refuse.target = Target(
        connector_uuid=canonical, connector_name=current.name or refuse.target.connector_name
    )
    now_hidden = bool(current.hidden)
    if now_hidden != seen_hidden:
        reflect_safely(catalogue_apply_connector, current)  # so the user sees the fresh state
        note, last_change = last_change_note(canonical, off_now=now_hidden)
        raise refuse(
            ChangeStale,
            f"This connector changed since you loaded the page: it is now "
            f"{'disabled' if now_hidden else 'enabled'}. Nothing was written." + note,
            before={"hidden": seen_hidden},
            details={"current": {"hidden": now_hidden}},
            current=current,
            last_change=last_change,
        )
    if now_hidden == hidden:
        raise refuse(
            ChangeInvalid,
            f"The connector is already {'disabled' if hidden else 'enabled'}.",
            before={"hidden": now_hidden},
        )
    intent = Intent(action, refuse.target, {"hidden": now_hidden}, {"hidden": hidden})
    entry = _seal(refuse, intent, reason, read_since)
    return send_and_record(
        entry,
        lambda: client.update_connector(canonical, hidden=hidden),
        observe=lambda c: {"hidden": c.hidden},
        applied=lambda c: bool(c.hidden) == hidden,
        reflect=catalogue_apply_connector,
        done=f"{_connector_label(refuse.target)} {_state_word(enabled)} on this domain.",
    )


def _state_word(enabled: bool) -> str:
    return "enabled" if enabled else "disabled"


def _connector_label(target: Target) -> str:
    """The connector's name for a message; its UUID when neither Powens nor the copy names it."""
    return target.connector_name or f"Connector {target.connector_uuid}"


def _local_target(uuid: Any, canonical: str | None, source_id: int | None = None) -> Target:
    """What the user tried to change, named from the local copy: built before any check, so
    every refusal (wrong role, missing reason) records the connector and source by name."""
    reference = canonical or str(uuid)[:64]
    if canonical is None:
        return Target(connector_uuid=reference, source_id=source_id)
    name = CatalogueConnector.objects.filter(uuid=canonical).values_list("name", flat=True).first()
    source_name = ""
    if source_id is not None:
        sources = CatalogueSource.objects.filter(connector__uuid=canonical, source_id=source_id)
        source_name = sources.values_list("name", flat=True).first() or ""
    return Target(reference, name or "", source_id, source_name)


def _valid_source_id(source_id: Any) -> bool:
    """A source id Powens could have, and our BIGINT columns can hold."""
    return isinstance(source_id, int) and not isinstance(source_id, bool) and 0 < source_id < 2**63


def _source_state(source: Any) -> dict[str, Any]:
    return {"disabled": source.raw.get("disabled"), "priority": source.priority}


def source_set_enabled(
    *,
    actor: Actor,
    uuid: str,
    source_id: int,
    enabled: bool,
    reason: str,
    seen_disabled: bool | None,
    request_meta: RequestMeta | None,
) -> ChangeResult:
    """Enable (``disabled=null``) or disable (``disabled=<now>``) one source via PUT (E8)."""
    action = Action.SOURCE_ENABLE if enabled else Action.SOURCE_DISABLE
    disable_at = None if enabled else datetime.now(UTC).replace(microsecond=0)
    after = {"disabled": disable_at.strftime(DATETIME_FORMAT) if disable_at else None}
    canonical = parse_uuid(uuid)
    valid_id = _valid_source_id(source_id)
    refuse, reason = change_begin(
        actor,
        action,
        reason,
        request_meta,
        target=_local_target(uuid, canonical, source_id if valid_id else None),
        after=after,
    )
    complete = isinstance(seen_disabled, bool) and isinstance(enabled, bool)
    if canonical is None or not valid_id or not complete:
        raise refuse(ChangeInvalid, "The form is incomplete or the source reference is invalid.")
    client = get_client()
    read_since = audit_position()
    try:
        current = client.get_source(canonical, source_id)
    except PowensNotFound:
        raise refuse(ChangeNotFound, "Powens does not know this source (any more).") from None
    except PowensError as error:
        intent = Intent(action, refuse.target, {"disabled": seen_disabled}, after)
        return _read_failed(refuse, intent, reason, error)
    refuse.target = Target(
        canonical,
        refuse.target.connector_name,
        source_id,
        str(current.name or refuse.target.source_name),
    )
    if current.is_disabled != seen_disabled:
        reflect_safely(lambda fresh: catalogue_apply_source(canonical, fresh), current)
        note, last_change = last_change_note(canonical, source_id, off_now=current.is_disabled)
        raise refuse(
            ChangeStale,
            f"This source changed since you loaded the page: it is now "
            f"{'disabled' if current.is_disabled else 'enabled'}. Nothing was written." + note,
            before={"disabled": seen_disabled},
            details={"current": _source_state(current)},
            current=current,
            last_change=last_change,
        )
    if current.is_disabled != enabled:
        raise refuse(
            ChangeInvalid,
            f"The source is already {'enabled' if enabled else 'disabled'}.",
            before=_source_state(current),
        )
    intent = Intent(action, refuse.target, _source_state(current), after)
    entry = _seal(refuse, intent, reason, read_since)
    return send_and_record(
        entry,
        lambda: client.update_source(canonical, source_id, disabled=disable_at),
        observe=_source_state,
        applied=lambda s: s.is_disabled == (not enabled),
        reflect=lambda s: catalogue_apply_source(canonical, s),
        done=f"Source {refuse.target.source_name or f'#{source_id}'} of "
        f"{_connector_label(refuse.target)} {_state_word(enabled)}.",
    )


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
    if source_id is None:
        action = Action.CONNECTOR_DISABLE if enabled is False else Action.CONNECTOR_ENABLE
        message = "Unknown connector."
    else:
        action = Action.SOURCE_DISABLE if enabled is False else Action.SOURCE_ENABLE
        message = "Unknown source."
    target = _local_target(ref, parse_uuid(ref), source_id if _valid_source_id(source_id) else None)
    refuse = Refuser(actor, action, reason if isinstance(reason, str) else "", request_meta, target)
    posted = {"reference": str(ref)[:200]}
    if source_id is not None:  # kept as text: it may not fit the source_id column
        posted["source_id"] = str(source_id)[:40]
    if not may_change(actor):
        return refuse(ChangeForbidden, FORBIDDEN_MESSAGE, details=posted)
    return refuse(ChangeNotFound, message, details=posted)
