"""Resolve ``pending`` and ``unknown`` entries by reading the real state from Powens.

For each unresolved intent we need the target's state right after it: if a later intent on the
same target exists, its ``before`` (read from Powens just before that later write) is exactly
that; otherwise the live state is. One list call covers every connector; sources cost one
list call per connector involved. Entries we cannot observe stay unresolved.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from accounts.roles import Role, role_of
from audit.models import Action, AuditEntry, Outcome, ResolvedBy
from audit.refusals import ChangeForbidden, Refuser
from audit.selectors import audit_unresolved
from audit.services import (
    IN_FLIGHT_SECONDS,
    Actor,
    RequestMeta,
    Result,
    audit_record_outcomes,
    audit_record_reconcile_run,
)
from connectors_ui.catalogue.mirror import catalogue_apply_connectors, catalogue_apply_source
from connectors_ui.changes.outcomes import is_off
from connectors_ui.changes.pipeline import reflect_safely
from connectors_ui.powens import get_client
from connectors_ui.powens.errors import PowensError

logger = logging.getLogger("connectors_ui.changes")
Key = tuple[str, int | None]


@dataclass
class ReconcileReport:
    examined: int = 0
    succeeded: int = 0
    failed: int = 0
    unresolved: int = 0
    entry: AuditEntry | None = None


def _later_states(entries: list[AuditEntry]) -> dict[int, bool]:
    """For each entry, the state a later intent on the same target found before writing."""
    later = (
        AuditEntry.objects.filter(
            connector_uuid__in={e.connector_uuid for e in entries},
            outcome=Outcome.PENDING,
            seq__gt=min(e.seq for e in entries),
            before__isnull=False,
        )
        .order_by("seq")
        .only("seq", "connector_uuid", "source_id", "before")
    )
    by_target: dict[Key, list[AuditEntry]] = defaultdict(list)
    for row in later:
        by_target[(row.connector_uuid, row.source_id)].append(row)
    states = {}
    for entry in entries:
        following = [
            r for r in by_target[(entry.connector_uuid, entry.source_id)] if r.seq > entry.seq
        ]
        if following and (state := is_off(following[0].before)) is not None:
            states[entry.pk] = state
    return states


def _live_states(entries: list[AuditEntry]) -> dict[Key, bool]:
    """The live state of every target involved, reflecting what we read in the local copy."""
    client = get_client()
    states: dict[Key, bool] = {}
    if wanted := {e.connector_uuid for e in entries if e.source_id is None}:
        try:
            listed = client.list_connectors(include_hidden=True).connectors
        except PowensError as error:
            logger.warning("Reconcile could not list connectors: %s", error)
            listed = ()
        for connector in listed:
            states[(connector.uuid, None)] = bool(connector.hidden)
        # One transaction for all of them, like a batch's answer.
        seen = [connector for connector in listed if connector.uuid in wanted]
        if seen:
            reflect_safely(catalogue_apply_connectors, seen)
    for connector_uuid in {e.connector_uuid for e in entries if e.source_id is not None}:
        try:
            sources = client.list_sources(connector_uuid).sources
        except PowensError as error:
            logger.warning("Reconcile could not list sources: %s", error)
            continue
        for source in sources:
            states[(connector_uuid, source.id)] = source.is_disabled
            reflect_safely(partial(catalogue_apply_source, connector_uuid), source)
    return states


def audit_reconcile(
    *,
    actor: Actor = None,
    min_age_seconds: int = IN_FLIGHT_SECONDS,
    request_meta: RequestMeta | None = None,
) -> ReconcileReport:
    """Resolve what can be resolved; ``actor`` None means the management command."""
    if actor is not None and role_of(actor) < Role.ADMIN:
        refuse = Refuser(actor, Action.RECONCILE, "", request_meta)
        raise refuse(ChangeForbidden, "Only admins can run reconciliation.")
    entries = list(audit_unresolved(min_age_seconds=min_age_seconds))
    report = ReconcileReport(examined=len(entries))
    if not entries:
        return report
    recorded = audit_record_outcomes(
        _resolutions(entries),
        resolved_by=ResolvedBy.RECONCILE,
        actor=actor,
        only_if_unresolved=True,
    )
    report.succeeded = sum(1 for o in recorded if o.outcome == Outcome.SUCCEEDED)
    report.failed = len(recorded) - report.succeeded
    report.unresolved = report.examined - len(recorded)
    summary = {
        "examined": report.examined,
        "succeeded": report.succeeded,
        "failed": report.failed,
        "unresolved": report.unresolved,
    }
    report.entry = audit_record_reconcile_run(
        actor=actor, summary=summary, request_meta=request_meta
    )
    return report


def _resolutions(entries: list[AuditEntry]) -> list[tuple[AuditEntry, Result]]:
    """An outcome for each entry whose target's state after it can be observed: ``succeeded``
    if that state is the one the intent asked for, ``failed`` otherwise."""
    later, live = _later_states(entries), _live_states(entries)
    results = []
    for entry in entries:
        observed = later.get(entry.pk, live.get((entry.connector_uuid, entry.source_id)))
        if observed is None:
            continue
        applied = observed == is_off(entry.after)
        text = "shows the intended state" if applied else "does not show this change"
        result = Result(
            Outcome.SUCCEEDED if applied else Outcome.FAILED,
            observed={"hidden" if entry.source_id is None else "disabled": observed},
            error_message=f"Reconciled: Powens {text}.",
        )
        results.append((entry, result))
    return results
