"""Writing the audit log: intents, outcomes, refusals and exports.

Every function appends through ``audit.chain.append`` and commits on return, so a record is
durable before the caller goes on (in particular before a Powens call). Refusals go through
``audit.flood`` (a burst per account and address in full, the rest counted), and the free text
a request brings in is capped (``audit.capping``) with a visible marker: history cannot be
deleted, so no request may make it grow without bound. The values these functions take live in
``audit.values`` (and are importable from here, as callers have always done).
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from accounts.scope import scope_name
from audit.capping import QUERY_STRING_CAP, REASON_CAP, capped, capped_details
from audit.chain import append
from audit.entries import actor_columns, entry_build
from audit.flood import refusals_admit
from audit.models import Action, AuditEntry, AuditOutcome, Outcome, ResolvedBy
from audit.values import (
    NO_TARGET,
    Acting,
    Actor,
    Intent,
    IntentBatch,
    Observation,
    RequestMeta,
    Result,
    Target,
)

# A pending intent younger than this may still be in flight: another change to the same
# target is refused meanwhile, and reconcile leaves it alone.
IN_FLIGHT_SECONDS: int = settings.AUDIT_IN_FLIGHT_SECONDS


def audit_position() -> int:
    """The newest entry's ``seq``: taken before reading the state a write is based on, and
    passed back as ``read_since`` so that an intent sealed meanwhile counts as a conflict."""
    return AuditEntry.objects.aggregate(newest=Max("seq"))["newest"] or 0


def _in_flight_keys(
    targets: Iterable[Target], read_since: int | None = None
) -> set[tuple[str, int | None]]:
    """(connector uuid, source id) pairs that have an unresolved intent still in flight, or
    (with ``read_since``) any intent sealed after the caller read the state."""
    uuids = {target.connector_uuid for target in targets}
    busy = Q(
        outcome=Outcome.PENDING,
        outcomes__isnull=True,
        created_at__gte=timezone.now() - timedelta(seconds=IN_FLIGHT_SECONDS),
    )
    if read_since is not None:
        busy |= Q(seq__gt=read_since, outcome=Outcome.PENDING)
    # The same UUID on another domain is another target.
    rows = AuditEntry.objects.filter(busy, connector_uuid__in=uuids, domain=scope_name())
    return set(rows.values_list("connector_uuid", "source_id"))


def audit_record_intents(
    *,
    actor: Actor,
    intents: Sequence[Intent],
    reason: str,
    request_meta: RequestMeta | None,
    batch_id: uuid.UUID | None = None,
    read_since: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> IntentBatch:
    """Seal ``pending`` entries for writes about to be sent, committed before returning.

    A target that already has an intent in flight (another editor's request between its intent
    and its outcome) is not recorded but returned in ``conflicts``: the check runs under the
    chain lock, so of two simultaneous requests exactly one gets through. With ``read_since``
    (``audit_position()`` before the state was read) an intent sealed since then conflicts too,
    even if already resolved: the state this write was checked against may be gone.
    ``details`` go on every entry: where the write comes from (a change request, a step).
    """
    batch = IntentBatch()

    def build() -> list[AuditEntry]:
        busy = _in_flight_keys((intent.target for intent in intents), read_since)
        batch.conflicts = [
            i for i in intents if (i.target.connector_uuid, i.target.source_id) in busy
        ]
        return [
            entry_build(
                actor=actor,
                action=i.action,
                outcome=Outcome.PENDING,
                target=i.target,
                request_meta=request_meta,
                before=i.before,
                after=i.after,
                reason=reason,
                batch_id=batch_id,
                details={**(details or {}), **(i.details or {})},
            )
            for i in intents
            if (i.target.connector_uuid, i.target.source_id) not in busy
        ]

    batch.entries = append(build)
    return batch


def _unresolved_ids(entries: Sequence[AuditEntry]) -> set[int]:
    ids = [entry.pk for entry in entries]
    resolved = AuditOutcome.objects.filter(entry_id__in=ids).exclude(outcome=Outcome.UNKNOWN)
    return set(ids) - set(resolved.values_list("entry_id", flat=True))


def audit_record_outcomes(
    results: Sequence[tuple[AuditEntry, Result]],
    *,
    resolved_by: ResolvedBy = ResolvedBy.CALL,
    actor: Actor = None,
    only_if_unresolved: bool = False,
) -> list[AuditOutcome]:
    """Append the outcome of each entry's Powens call (or of its reconciliation).

    ``only_if_unresolved`` (reconciliation) skips entries that gained a definite outcome since
    they were read, so two reconcilers never record the same resolution twice.
    """
    columns = actor_columns(actor)
    columns.pop("actor_role")

    def build() -> list[AuditOutcome]:
        keep = _unresolved_ids([e for e, _ in results]) if only_if_unresolved else None
        return [
            AuditOutcome(
                entry=entry,
                outcome=result.outcome,
                resolved_by=resolved_by,
                powens_status=result.powens_status,
                error_code=result.error_code[:64],
                error_message=result.error_message,
                powens_request_id=result.powens_request_id[:64],
                observed=dict(result.observed) if result.observed is not None else None,
                **columns,
            )
            for entry, result in results
            if keep is None or entry.pk in keep
        ]

    return append(build)


def audit_record_outcome(entry: AuditEntry, result: Result, **options: Any) -> AuditOutcome | None:
    recorded = audit_record_outcomes([(entry, result)], **options)
    return recorded[0] if recorded else None


def refused_entry(
    *,
    actor: Actor,
    action: Action,
    target: Target = NO_TARGET,
    reason: str = "",
    code: str,
    message: str,
    request_meta: RequestMeta | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    batch_id: uuid.UUID | None = None,
) -> AuditEntry:
    """An unsaved refusal; ``audit_record_refused`` appends one, batches append many at once."""
    return entry_build(
        actor=actor,
        action=action,
        outcome=Outcome.REFUSED,
        target=target,
        request_meta=request_meta,
        reason=capped(reason, REASON_CAP),
        error_code=code,
        error_message=message,
        before=before,
        after=after,
        details=capped_details(dict(details or {})),
        batch_id=batch_id,
    )


def audit_record_refused(**columns: Any) -> AuditEntry | None:
    """Record an attempt we refused (wrong role, stale state, invalid input, conflict).

    None when the attempt was counted instead (``audit.flood``: beyond its account and
    address's burst), to appear in a summary entry."""
    entry = refused_entry(**columns)
    recorded = append(lambda: refusals_admit([entry]))
    return entry if any(record is entry for record in recorded) else None


def audit_record_refused_many(entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """Append several refusals built with ``refused_entry`` in one transaction: the items of
    a batch that was executed, all recorded (the batch's result is read from them); closed
    flood windows are written out with them."""
    return append(lambda: [*refusals_admit([]), *entries])


def audit_record_export(
    *,
    actor: Actor,
    report: str,
    query_string: str,
    row_count: int,
    request_meta: RequestMeta | None = None,
    complete: bool = True,
    actor_username: str = "",
    ignored: Sequence[str] = (),
) -> AuditEntry:
    """Record that someone downloaded a CSV: which report, with which filters, how many rows.

    ``complete=False`` marks a stream that stopped early (client gone, read error): the row
    count is then what was sent. ``actor_username`` names an actor that is no user ("cli").
    ``ignored``: the messages about filter values the export ignored, as the page showed them.
    """
    query_string = capped(query_string, QUERY_STRING_CAP)
    details = {"report": report, "query_string": query_string, "row_count": row_count}
    if not complete:
        details["complete"] = False
    if ignored:
        details["ignored"] = list(ignored)
    entry = entry_build(
        actor=actor,
        action=Action.EXPORT,
        outcome=Outcome.SUCCEEDED,
        request_meta=request_meta,
        actor_username=actor_username,
        details=details,
    )
    return append(lambda: [entry])[0]


def audit_record_reconcile_run(
    *, actor: Actor, summary: Mapping[str, Any], request_meta: RequestMeta | None = None
) -> AuditEntry:
    """Record that a reconciliation ran and what it resolved."""
    entry = entry_build(
        actor=actor,
        action=Action.RECONCILE,
        outcome=Outcome.SUCCEEDED,
        request_meta=request_meta,
        details=dict(summary),
    )
    return append(lambda: [entry])[0]


def audit_record_event(
    *,
    actor: Actor,
    action: Action,
    details: Mapping[str, Any],
    reason: str = "",
    target: Target = NO_TARGET,
    outcome: Outcome = Outcome.SUCCEEDED,
    request_meta: RequestMeta | None = None,
    batch_id: uuid.UUID | None = None,
    actor_username: str = "",
) -> AuditEntry:
    """Record one step of a change's governance (proposed, approved, rejected, expired,
    applied, scheduled, skipped…): no Powens write, so no outcome follows. ``details`` names
    the request or step; ``actor_username`` an actor that is no user ("scheduler")."""
    entry = entry_build(
        actor=actor,
        action=action,
        outcome=outcome,
        target=target,
        request_meta=request_meta,
        actor_username=actor_username,
        reason=capped(reason, REASON_CAP),
        details=dict(details),
        batch_id=batch_id,
    )
    return append(lambda: [entry])[0]


def audit_record_account_event(
    *,
    by: Acting,
    action: Action,
    details: Mapping[str, Any],
    outcome: Outcome = Outcome.SUCCEEDED,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Record a change to an account or a role, or a sign-in (``accounts.events``), done ``by``.

    ``details`` names what it is about (``{"account": {"id", "username"}}`` or ``{"role": …}``)
    and never holds a password or its hash. Appended inside the caller's transaction, if any, so
    the change and its record commit or roll back together.
    """
    entry = entry_build(
        actor=by.user,
        action=action,
        outcome=outcome,
        request_meta=by.request_meta,
        actor_username=by.name,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        details=dict(details),
        domain="",  # an account is not any one domain's
    )
    return append(lambda: [entry])[0]


# Who an observed change's entry names: no account (we do not know who), but the log's "Who"
# column and its actor filter say where it came from, as "cli" or "scheduler" do.
OUTSIDE_ACTOR = "outside the dashboard"


def audit_record_observations(observations: Sequence[Observation]) -> list[AuditEntry]:
    """Append one entry per observation not already recorded (no account: we do not know who;
    named ``OUTSIDE_ACTOR``), in one append. Joins the caller's transaction, so a refresh
    that rolls back takes them with it."""

    def build() -> list[AuditEntry]:
        keys = [o.key for o in observations]
        known = set(
            AuditEntry.objects.filter(
                action=Action.OBSERVED_CHANGE, details__key__in=keys
            ).values_list("details__key", flat=True)
        )
        return [
            entry_build(
                actor=None,
                actor_username=OUTSIDE_ACTOR,
                action=Action.OBSERVED_CHANGE,
                outcome=Outcome.SUCCEEDED,
                target=o.target,
                before=dict(o.before),
                after=dict(o.after),
                reason=capped(o.summary, REASON_CAP),
                details={**o.details, "key": o.key},
            )
            for o in observations
            if o.key not in known
        ]

    return append(build) if observations else []
