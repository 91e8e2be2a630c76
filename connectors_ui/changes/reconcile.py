"""Resolve ``pending`` and ``unknown`` entries by reading the real state from Powens: all of them
(``audit_reconcile``: admins and the management command), the targets a user checks again
(``change_check_again``), or one change right after Powens' answer to it was lost
(``change_read_back``). One rule resolves them all (``_resolve``).

For each unresolved intent we need the target's state right after it: if a later intent on the
same target exists, its ``before`` (read from Powens just before that later write) is exactly
that; otherwise the live state is. The live state of one target costs one GET; for several, one
list call covers every connector, and sources cost one list call per connector involved. What
is read is put in the local copy. Entries we cannot observe stay unresolved.

Reading and recording hold the targets' claims (``changes.claims``), so no change to them can
land between the read and the resolution; a target being changed is left for later.
"""

import logging
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import partial

from accounts.roles import Role, role_of
from audit.models import Action, AuditEntry, AuditOutcome, Outcome, ResolvedBy
from audit.refusals import FORBIDDEN_MESSAGE, ChangeConflict, ChangeForbidden, Refuser, may_change
from audit.selectors import audit_unresolved
from audit.services import (
    IN_FLIGHT_SECONDS,
    Actor,
    RequestMeta,
    Result,
    Target,
    audit_record_outcomes,
    audit_record_reconcile_run,
)
from connectors_ui.catalogue.mirror import catalogue_apply_connectors, catalogue_apply_source
from connectors_ui.changes.claims import Key, claimed
from connectors_ui.changes.outcomes import is_off
from connectors_ui.changes.pipeline import reflect_safely
from connectors_ui.changes.targets import ToggleTarget, target_of
from connectors_ui.domains.context import current_domain_name, domain_scope
from connectors_ui.domains.registry import default_domain, domains
from connectors_ui.powens import get_client
from connectors_ui.powens.errors import PowensError

logger = logging.getLogger("connectors_ui.changes")
# How each path words the resolution it records ("<how>: Powens shows the intended state.").
RECONCILED = "Reconciled"
CHECKED_AGAIN = "Checked again"
READ_BACK = "Read back after the answer was lost"
CHECK_FORBIDDEN = "Only the editor who made this change, or an admin, can check it again."


@dataclass
class ReconcileReport:
    examined: int = 0
    succeeded: int = 0
    failed: int = 0
    unresolved: int = 0
    entry: AuditEntry | None = None


def _key(entry: AuditEntry) -> Key:
    return entry.connector_uuid, entry.source_id


def _later_states(entries: list[AuditEntry]) -> dict[int, bool]:
    """For each entry, the state a later intent on the same target found before writing."""
    later = (
        AuditEntry.objects.filter(
            connector_uuid__in={e.connector_uuid for e in entries},
            domain__in={e.domain for e in entries},
            outcome=Outcome.PENDING,
            seq__gt=min(e.seq for e in entries),
            before__isnull=False,
        )
        .order_by("seq")
        .only("seq", "connector_uuid", "source_id", "before")
    )
    by_target: dict[Key, list[AuditEntry]] = defaultdict(list)
    for row in later:
        by_target[_key(row)].append(row)
    states = {}
    for entry in entries:
        following = [r for r in by_target[_key(entry)] if r.seq > entry.seq]
        if following and (state := is_off(following[0].before)) is not None:
            states[entry.pk] = state
    return states


def _read_target(target: ToggleTarget) -> dict[Key, bool]:
    """One target's live state (one GET), reflected in the local copy; {} if Powens cannot
    tell (unreachable, or it no longer knows the target)."""
    try:
        current = target.read()
    except PowensError as error:
        logger.warning("Could not read the %s back: %s", target.noun, error)
        return {}
    reflect_safely(target.reflect, current)
    return {target.identity: target.is_off(current)}


def _listed_states(keys: Collection[Key]) -> dict[Key, bool]:
    """The live state of several targets from list calls, reflected in the local copy."""
    client = get_client(current_domain_name())
    states: dict[Key, bool] = {}
    if wanted := {uuid for uuid, source_id in keys if source_id is None}:
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
    for connector_uuid in {uuid for uuid, source_id in keys if source_id is not None}:
        try:
            sources = client.list_sources(connector_uuid).sources
        except PowensError as error:
            logger.warning("Reconcile could not list sources: %s", error)
            continue
        for source in sources:
            states[(connector_uuid, source.id)] = source.is_disabled
            reflect_safely(partial(catalogue_apply_source, connector_uuid), source)
    return states


def _live_states(keys: Collection[Key]) -> dict[Key, bool]:
    if len(keys) == 1:
        return _read_target(target_of(*next(iter(keys))))
    return _listed_states(keys)


def _resolutions(
    entries: list[AuditEntry], live: Mapping[Key, bool], how: str
) -> list[tuple[AuditEntry, Result]]:
    """An outcome for each entry whose target's state after it can be observed: ``succeeded``
    if that state is the one the intent asked for, ``failed`` otherwise."""
    later = _later_states(entries)
    results = []
    for entry in entries:
        observed = later.get(entry.pk, live.get(_key(entry)))
        if observed is None:
            continue
        applied = observed == is_off(entry.after)
        text = "shows the intended state" if applied else "does not show this change"
        result = Result(
            Outcome.SUCCEEDED if applied else Outcome.FAILED,
            observed={"hidden" if entry.source_id is None else "disabled": observed},
            error_message=f"{how}: Powens {text}.",
        )
        results.append((entry, result))
    return results


def _resolve(
    entries: list[AuditEntry], live: Mapping[Key, bool], *, actor: Actor, how: str
) -> list[AuditOutcome]:
    """Record what ``live`` (and later intents) prove about ``entries``, once each: an entry
    resolved meanwhile by someone else is skipped."""
    return audit_record_outcomes(
        _resolutions(entries, live, how),
        resolved_by=ResolvedBy.RECONCILE,
        actor=actor,
        only_if_unresolved=True,
    )


def _resolve_claimed(
    entries: list[AuditEntry], *, actor: Actor, how: str
) -> tuple[list[AuditOutcome], int]:
    """Claim the entries' targets, read the free ones and resolve what the read proves.
    Returns the outcomes recorded and how many entries were left because another change holds
    their target (its own outcome, or a later check, will tell)."""
    with claimed(keys={_key(e) for e in entries}, actor=actor) as claims:
        free = [entry for entry in entries if _key(entry) in claims.held]
        if not free:
            return [], len(entries)
        live = _live_states({_key(entry) for entry in free})
        return _resolve(free, live, actor=actor, how=how), len(entries) - len(free)


def _by_domain(entries: list[AuditEntry]) -> dict[str, list[AuditEntry]]:
    """Entries by the domain they are about (one from before domains: the default one's);
    those of a domain no longer configured are left unresolved."""
    known = {domain.name for domain in domains()}
    groups: dict[str, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        name = entry.domain or default_domain().name
        if name in known:
            groups[name].append(entry)
    return groups


def audit_reconcile(
    *,
    actor: Actor = None,
    min_age_seconds: int = IN_FLIGHT_SECONDS,
    request_meta: RequestMeta | None = None,
    record_idle: bool = True,
) -> ReconcileReport:
    """Resolve what can be resolved; ``actor`` None means the management command or the
    worker's periodic job. ``record_idle=False`` (the job) records no run that resolved
    nothing: during an outage it would add one entry every few minutes."""
    if actor is not None and role_of(actor) < Role.ADMIN:
        refuse = Refuser(actor, Action.RECONCILE, "", request_meta)
        raise refuse(ChangeForbidden, "Only admins can run reconciliation.")
    entries = list(audit_unresolved(min_age_seconds=min_age_seconds))
    report = ReconcileReport(examined=len(entries))
    if not entries:
        return report
    recorded = []
    for name, group in _by_domain(entries).items():
        with domain_scope(name):  # each domain's entries through its own client and claims
            recorded += _resolve_claimed(group, actor=actor, how=RECONCILED)[0]
    report.succeeded = sum(1 for o in recorded if o.outcome == Outcome.SUCCEEDED)
    report.failed = len(recorded) - report.succeeded
    report.unresolved = report.examined - len(recorded)
    if not recorded and not record_idle:
        return report
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


def change_read_back(*, entry: AuditEntry, target: ToggleTarget, actor: Actor) -> Outcome:
    """Right after Powens' answer to ``entry`` was lost (its outcome ``unknown``), while the
    change still holds the target's claim: read the target (one GET; reads are safe), put it
    in the local copy and record the outcome the read proves. Returns the entry's outcome now:
    still ``unknown`` when the target could not be read, which then shows "state unknown"
    until someone checks again."""
    recorded = change_resolve_read(entries=[entry], states=_read_target(target), actor=actor)
    return Outcome(recorded[0].outcome) if recorded else Outcome.UNKNOWN


def change_resolve_read(
    *, entries: list[AuditEntry], states: Mapping[Key, bool], actor: Actor
) -> list[AuditOutcome]:
    """Record what a read made right after unclear answers proves about ``entries`` (a batch
    reads them all in one list call); the caller holds their targets' claims."""
    if not entries:
        return []
    return _resolve(entries, states, actor=actor, how=READ_BACK)


@dataclass
class CheckReport:
    """What "Check again" found: the unresolved changes on the targets, the outcomes it
    recorded, and how many it left because their target is being changed right now."""

    unresolved: int = 0
    resolved: list[AuditOutcome] = field(default_factory=list)
    busy: int = 0

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.resolved if o.outcome == outcome)

    @property
    def still_unknown(self) -> int:
        return self.unresolved - len(self.resolved) - self.busy

    @property
    def message(self) -> str:
        """The user's sentence: what was resolved, what is still unknown, what was left."""
        if not self.unresolved:
            return "Nothing to check: no change here is waiting for Powens' answer any more."
        parts = []
        if len(self.resolved) == 1:
            parts.append(
                f"Checked again with Powens: the change {self.resolved[0].outcome}; "
                "the state shown is Powens' own."
            )
        elif self.resolved:
            parts.append(
                f"Checked again with Powens: {len(self.resolved)} changes resolved "
                f"({self.count(Outcome.SUCCEEDED)} succeeded, {self.count(Outcome.FAILED)} "
                "failed); the states shown are Powens' own."
            )
        if self.still_unknown:
            parts.append(
                "Powens could not be read: the state is still unknown. Try again in a moment."
            )
        if self.busy:
            parts.append(f"{self.busy} being changed right now were left for later.")
        return " ".join(parts)


def _checked_target(keys: Collection[Key]) -> Target:
    """What a refused check names: the one target with its names, or nothing for several
    (their list goes in the refusal's details)."""
    return target_of(*next(iter(keys))).local() if len(keys) == 1 else Target()


def change_check_again(
    *, actor: Actor, keys: Collection[Key], request_meta: RequestMeta | None
) -> CheckReport:
    """ "Check again" on targets whose state is unknown: re-read them, reflect what Powens
    shows and resolve their unresolved changes, as reconciliation would. Editors may check the
    targets of a change they made, admins any; someone else is refused (403, recorded), as is a
    check on targets all being changed right now. Pending intents still in flight are left to
    their own outcome."""
    refuse = Refuser(
        actor,
        Action.RECONCILE,
        "",
        request_meta,
        _checked_target(keys),
        details={"check_again": [list(key) for key in keys][:5000]},
    )
    if not may_change(actor):
        raise refuse(ChangeForbidden, FORBIDDEN_MESSAGE)
    wanted = set(keys)
    candidates = audit_unresolved(min_age_seconds=IN_FLIGHT_SECONDS).filter(
        connector_uuid__in={uuid for uuid, _ in wanted}, domain=current_domain_name()
    )
    entries = [entry for entry in candidates if _key(entry) in wanted]
    assert actor is not None  # may_change said so
    if role_of(actor) < Role.ADMIN and entries and all(e.actor_id != actor.pk for e in entries):
        raise refuse(ChangeForbidden, CHECK_FORBIDDEN)
    if not entries:
        return CheckReport()
    recorded, busy = _resolve_claimed(entries, actor=actor, how=CHECKED_AGAIN)
    if busy == len(entries):
        raise refuse(
            ChangeConflict,
            "Someone is changing it right now; its state will be known when that change ends.",
        )
    return CheckReport(len(entries), recorded, busy)
