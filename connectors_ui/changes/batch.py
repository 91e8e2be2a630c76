"""Enable or disable many connectors at once: execute what the user confirmed from the preview
(``changes.preview``).

``batch_execute`` claims the selected connectors (``changes.claims``; one held by another change in
flight is refused), re-reads the whole catalogue from Powens in ONE list call (not N GETs) for
stale-write protection, seals one ``pending`` intent per connector (grouped by ``batch_id``),
sends PATCH (E4) in chunks of ``BATCH_CHUNK_SIZE`` and records each chunk's outcome as soon as
it is known: a failed chunk marks only its own connectors failed/unknown. Connectors left
``unknown`` (a lost answer, a 5xx) are read back in one more list call and resolved by what it
shows; the claims are given back at the end.

``batch_execute_plan`` runs the same machinery for a set of connectors each with its own
target state (a revert, ``changes.revert``): one direction is just the common case.
"""

import uuid as uuid_module
from collections.abc import Mapping, Sequence
from itertools import batched
from typing import Any

from django.conf import settings

from audit.models import Action, AuditEntry, Outcome
from audit.refusals import ChangeInvalid, Refuser
from audit.services import (
    Actor,
    Intent,
    RequestMeta,
    Result,
    Target,
    audit_position,
    audit_record_outcomes,
    audit_record_refused_many,
)
from connectors_ui.catalogue.mirror import catalogue_apply_connectors
from connectors_ui.changes import preview
from connectors_ui.changes.batch_audit import BatchAudit
from connectors_ui.changes.batch_result import BatchItemResult, BatchResult
from connectors_ui.changes.claims import Claims, Key, claimed, claims_renew
from connectors_ui.changes.outcomes import (
    answered_result,
    busy_message,
    crash_result,
    read_failed_result,
    result_from_error,
)
from connectors_ui.changes.pipeline import change_begin, parse_uuid, reflect_safely
from connectors_ui.changes.reconcile import change_resolve_read
from connectors_ui.domains.context import current_domain, current_domain_name
from connectors_ui.models import CatalogueConnector
from connectors_ui.powens import PowensClient, get_client
from connectors_ui.powens.errors import PowensError
from connectors_ui.powens.types import Connector


def batch_selection_clean(
    uuids: Sequence[str], confirm_count: int | None, refuse: Refuser, to_confirm: int | None = None
) -> list[str]:
    """The selection as canonical UUIDs, each once; refused (recorded) when empty, malformed,
    above the batch limit, or above the threshold without the typed count of connectors that
    will change (``to_confirm``, default all of them)."""
    canonical = [uuid for uuid in map(parse_uuid, uuids) if uuid is not None]
    if not canonical or len(canonical) != len(uuids):
        raise refuse(ChangeInvalid, "The selection is empty or holds something that is not a UUID.")
    selection = list(dict.fromkeys(canonical))
    if len(selection) > preview.BATCH_MAX:  # the preview's limit, read when used
        raise refuse(ChangeInvalid, preview.too_large_message(len(selection)))
    batch_count_check(len(selection) if to_confirm is None else to_confirm, confirm_count, refuse)
    return selection


def batch_count_check(count: int, confirm_count: int | None, refuse: Refuser) -> None:
    """Above the threshold, the number of targets that will change must have been typed."""
    if count > settings.BATCH_CONFIRM_THRESHOLD and confirm_count != count:
        raise refuse(ChangeInvalid, f"Type the number of connectors ({count}) to confirm.")


def _check_domain_typed(
    confirm_domain: str | None, refuse: Refuser, origin: Mapping[str, Any] | None
) -> None:
    """A batch on production is confirmed by typing the domain's name, whatever its size (an
    approved or scheduled change was confirmed when it was made: ``origin``)."""
    domain = current_domain()
    if origin is None and domain.is_production and (confirm_domain or "").strip() != domain.name:
        raise refuse(
            ChangeInvalid,
            f"This changes PRODUCTION ({domain.label}): type {domain.name} to confirm.",
        )


def batch_execute(
    *,
    actor: Actor,
    uuids: Sequence[str],
    enabled: bool,
    reason: str,
    confirm_count: int | None,
    request_meta: RequestMeta | None,
    origin: Mapping[str, Any] | None = None,
    confirm_domain: str | None = None,
) -> BatchResult:
    """Execute one batch; raises ``ChangeRefused`` (recorded) if the batch as a whole is refused.

    ``uuids`` are the connectors the user confirmed from the preview ("will change"). One that
    is already in the target state now was changed by someone since: refused as stale.
    ``origin``: the approved or scheduled change this applies (``pipeline.change_begin``). On
    a production domain ``confirm_domain`` must be its name, typed.
    """
    result = BatchResult(uuid_module.uuid4())
    action = Action.BATCH_ENABLE if enabled else Action.BATCH_DISABLE
    refuse, reason = _begin(result.batch_id, actor, uuids, action, reason, request_meta, origin)
    if not isinstance(enabled, bool):
        raise refuse(ChangeInvalid, "Choose whether to enable or disable the selection.")
    selection = batch_selection_clean(list(uuids), confirm_count, refuse)
    _check_domain_typed(confirm_domain, refuse, origin)
    hidden_of = dict.fromkeys(selection, not enabled)
    batch = BatchAudit(result.batch_id, actor, reason, request_meta, hidden_of, origin=origin)
    return _run(result, batch, selection)


def batch_execute_plan(
    *,
    actor: Actor,
    hidden_of: Mapping[str, bool],
    reason: str,
    confirm_count: int | None,
    request_meta: RequestMeta | None,
    details_of: Mapping[str, Mapping[str, Any]] | None = None,
    to_confirm: int | None = None,
    origin: Mapping[str, Any] | None = None,
    confirm_domain: str | None = None,
) -> BatchResult:
    """Execute a plan: each connector of ``hidden_of`` set to its own state, only if Powens
    still shows the opposite one (the rest refused as stale), with the same rules, claims,
    chunked writes and audit as ``batch_execute``; ``details_of`` go on each one's records,
    ``to_confirm`` is the count the user must have typed (the preview's "will change"),
    ``origin`` the approved or scheduled change this applies and ``confirm_domain`` the typed
    name of a production domain, as for ``batch_execute``."""
    result = BatchResult(uuid_module.uuid4())
    wanted = list(hidden_of)
    action = Action.BATCH_DISABLE if any(hidden_of.values()) else Action.BATCH_ENABLE
    refuse, reason = _begin(result.batch_id, actor, wanted, action, reason, request_meta, origin)
    selection = batch_selection_clean(wanted, confirm_count, refuse, to_confirm)
    _check_domain_typed(confirm_domain, refuse, origin)
    batch = BatchAudit(
        result.batch_id,
        actor,
        reason,
        request_meta,
        dict(hidden_of),
        dict(details_of or {}),
        origin=origin,
    )
    return _run(result, batch, selection)


def _run(result: BatchResult, batch: BatchAudit, selection: list[str]) -> BatchResult:
    with claimed(keys=[(key, None) for key in selection], actor=batch.actor) as claims:
        _execute(result, batch, selection, claims)
    return result


def _execute(result: BatchResult, batch: BatchAudit, selection: list[str], claims: Claims) -> None:
    """Holding the claims of the selection's free connectors (the others are refused: another
    change is in flight on them): read, seal, send in chunks, read back what stayed unclear."""
    busy = [key for key in selection if (key, None) in claims.busy]
    if busy:
        _record_refused(result, _busy_refusals(busy, claims, batch))
    free = [key for key in selection if (key, None) in claims.held]
    if not free:
        return
    client = get_client(current_domain_name())
    read_since = audit_position()
    try:
        current = _listed(client)
    except PowensError as error:
        _read_failed(result, free, batch, error)
        return
    intents, refusals = _intents(free, current, batch)
    sealed = batch.seal(intents, read_since)
    conflict = "Another change to this connector was in progress."
    refusals += [batch.refusal(i.target, "conflict", conflict, i.before) for i in sealed.conflicts]
    _record_refused(result, refusals)
    _send_chunks(result, sealed.entries, batch, client, claims)


def _busy_refusals(keys: list[str], claims: Claims, batch: BatchAudit) -> list[AuditEntry]:
    """Refusals for connectors another change holds, named from the local copy."""
    names = dict(CatalogueConnector.objects.filter(uuid__in=keys).values_list("uuid", "name"))
    return [
        batch.refusal(
            Target(connector_uuid=key, connector_name=names.get(key, "")),
            "conflict",
            busy_message("connector", claims.busy[(key, None)]),
        )
        for key in keys
    ]


def _begin(
    batch_id: uuid_module.UUID,
    actor: Actor,
    uuids: Any,
    action: Action,
    reason: Any,
    request_meta: RequestMeta | None,
    origin: Mapping[str, Any] | None,
) -> tuple[Refuser, str]:
    """The batch's ``Refuser`` and clean reason, once the role and a reason are there. A
    batch refused as a whole (role, reason, typed count) still says which connectors it was
    about: one refused entry under the batch id, listing them."""
    tried = _tried(uuids)
    return change_begin(
        actor=actor,
        action=action,
        reason=reason,
        request_meta=request_meta,
        after={"hidden": action == Action.BATCH_DISABLE, "count": len(tried)},
        batch_id=batch_id,
        details={"connectors": tried},  # the audit log keeps the first ones, and says so
        origin=origin,
    )


def _tried(uuids: Any) -> list[str]:
    """The submitted selection as recorded with a refusal: canonical where it parses."""
    if not isinstance(uuids, Sequence) or isinstance(uuids, str):
        return []
    return [parse_uuid(value) or str(value) for value in uuids]


def _listed(client: PowensClient) -> dict[str, Connector]:
    """Every connector of the domain, hidden ones too, in one list call (E1)."""
    return {c.uuid: c for c in client.list_connectors(include_hidden=True).connectors}


def _intents(
    selection: list[str], current: dict[str, Connector], batch: BatchAudit
) -> tuple[list[Intent], list[AuditEntry]]:
    """Intents for connectors still in the state the preview showed; refusals for the rest."""
    intents, refusals, stale = [], [], []
    for key in selection:
        connector = current.get(key)
        target = Target(
            connector_uuid=key, connector_name=(connector.name if connector else "") or ""
        )
        if connector is not None and bool(connector.hidden) != batch.hidden_of[key]:
            intents.append(batch.intent(target, {"hidden": bool(connector.hidden)}))
            continue
        if connector is None:
            code, message = "not_found", "Powens does not list this connector (any more)."
        else:
            stale.append(connector)  # the preview's copy was stale: reflect it below
            code, message = "stale", batch.stale_message(key)
        refusals.append(batch.refusal(target, code, message))
    if stale:
        reflect_safely(catalogue_apply_connectors, stale)
    return intents, refusals


def _read_failed(
    result: BatchResult, selection: list[str], batch: BatchAudit, error: PowensError
) -> BatchResult:
    """The pre-write list call failed: nothing was sent. Every connector is recorded as failed."""
    sealed = batch.seal([batch.intent(Target(connector_uuid=key), None) for key in selection])
    failure = read_failed_result(error)
    _record(result, [(entry, failure) for entry in sealed.entries])
    return result


def _record_refused(result: BatchResult, refusals: list[AuditEntry]) -> None:
    audit_record_refused_many(refusals)
    result.items += [
        BatchItemResult(
            e.connector_uuid, e.connector_name, Outcome.REFUSED, e.error_message, e.error_code
        )
        for e in refusals
    ]


def _record(result: BatchResult, outcomes: list[tuple[AuditEntry, Result]]) -> None:
    audit_record_outcomes(outcomes)
    result.items += [
        BatchItemResult(e.connector_uuid, e.connector_name, r.outcome, r.error_message)
        for e, r in outcomes
    ]


# A connector whose claim ran out and was taken by another change while the batch ran.
CLAIM_LOST = Result(
    Outcome.FAILED,
    error_code="claim_lost",
    error_message="Not sent: another change took this connector over while the batch ran.",
)


def _send_chunks(
    result: BatchResult,
    entries: list[AuditEntry],
    batch: BatchAudit,
    client: PowensClient,
    claims: Claims,
) -> None:
    """PATCH chunk by chunk, renewing the claims before each; connectors the answer does not
    echo, and those whose outcome is unknown, are read back once at the end."""
    unconfirmed: list[AuditEntry] = []
    unknown: list[AuditEntry] = []
    for chunk in batched(entries, settings.BATCH_CHUNK_SIZE, strict=False):
        held = claims_renew(claims)
        if lost := [e for e in chunk if (e.connector_uuid, None) not in held]:
            _record(result, [(entry, CLAIM_LOST) for entry in lost])
        sending = [e for e in chunk if (e.connector_uuid, None) in held]
        if not sending:
            continue
        result.patch_calls += 1
        try:
            answer = client.batch_update_connectors(
                {e.connector_uuid: {"hidden": batch.hidden_of[e.connector_uuid]} for e in sending}
            )
        except PowensError as error:
            outcomes = [(entry, result_from_error(error)) for entry in sending]
            _record(result, outcomes)
            unknown += [e for e, r in outcomes if r.outcome == Outcome.UNKNOWN]
            continue
        except Exception as error:
            _record(result, [(entry, crash_result(error)) for entry in sending])
            raise
        echoed = {c.uuid: c for c in answer}
        in_answer = [e for e in sending if e.connector_uuid in echoed]
        unknown += _confirm(result, in_answer, echoed, batch.hidden_of)
        unconfirmed += [e for e in sending if e.connector_uuid not in echoed]
    if unconfirmed or unknown:
        _read_back(result, unconfirmed, unknown, batch, client, claims)


def _read_back(
    result: BatchResult,
    unconfirmed: list[AuditEntry],
    unknown: list[AuditEntry],
    batch: BatchAudit,
    client: PowensClient,
    claims: Claims,
) -> None:
    """One list call for the connectors the answers left open: confirm the writes Powens
    accepted without echoing them, then resolve every ``unknown`` one by what the read shows,
    and reflect it. If the read fails they stay ``unknown`` ("state unknown", Check again)."""
    held = claims_renew(claims)
    try:
        state = _listed(client)
    except PowensError as error:
        lost = Result(
            Outcome.UNKNOWN,
            error.status,
            error.code or type(error).__name__,
            "Powens accepted the batch but the state could not be re-read.",
        )
        _record(result, [(entry, lost) for entry in unconfirmed])
        return
    unknown += _confirm(result, unconfirmed, state, batch.hidden_of)
    readable = [
        e for e in unknown if (e.connector_uuid, None) in held and e.connector_uuid in state
    ]
    reflect_safely(catalogue_apply_connectors, [state[e.connector_uuid] for e in readable])
    states: dict[Key, bool] = {
        (e.connector_uuid, None): bool(state[e.connector_uuid].hidden) for e in readable
    }
    resolved = change_resolve_read(entries=readable, states=states, actor=batch.actor)
    result.settle({o.entry.connector_uuid: o for o in resolved})


def _confirm(
    result: BatchResult,
    entries: list[AuditEntry],
    state: dict[str, Connector],
    hidden_of: Mapping[str, bool],
) -> list[AuditEntry]:
    """Record each entry's outcome from the state Powens answered or showed; returns those
    it leaves ``unknown`` (accepted, but showing another state)."""
    outcomes = []
    for entry in entries:
        connector = state.get(entry.connector_uuid)
        observed = bool(connector.hidden) if connector is not None else None
        # The chunk's PATCH was answered 2xx; a connector it did not echo was re-read.
        result_of = answered_result(
            applied=observed == hidden_of[entry.connector_uuid],
            observed={"hidden": observed},
            subject="batch",
        )
        outcomes.append((entry, result_of))
    _record(result, outcomes)
    confirmed = [state[e.connector_uuid] for e, o in outcomes if o.outcome == Outcome.SUCCEEDED]
    reflect_safely(catalogue_apply_connectors, confirmed)
    return [e for e, o in outcomes if o.outcome == Outcome.UNKNOWN]
