"""Revert: the inverse of succeeded changes (one entry, a batch, or some of its entries), back
to each target's exact before-state, and only where Powens still shows the state the change
left; the others are "changed since, skipped". A target is a connector (its hidden flag) or
one source of it (its disabled date, restored exactly).

A revert is a plan (``RevertPlan``: targets with their before and after states, built from the
audit log). Its connectors go through the batch machinery (``batch_execute_plan``): the same
preview, reason, typed confirmation, claims, stale-write read of Powens, chunked writes and
audit as a batch; its sources through the source toggle, which does the same for one. Each
revert record names the entry it reverts (``details["reverts"]``), so the audit pages link the
revert and the original both ways.

``RevertPlan`` is a plain value with ``to_json``/``from_json``; on a domain whose policy needs
approval a revert is proposed as a change request (``governance.derived``), which stores the
plan's targets as Powens shows them and applies them once approved, re-checking Powens then.
"""

import uuid as uuid_module
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Unpack

from django.conf import settings

from audit.models import Action, AuditEntry, Outcome
from audit.refusals import ChangeStale
from audit.selectors import with_current_outcome
from connectors_ui.changes.batch import batch_execute_plan
from connectors_ui.changes.batch_audit import STALE_REVERT
from connectors_ui.changes.batch_result import BatchItemResult, BatchResult
from connectors_ui.changes.contexts import ConfirmedChange
from connectors_ui.changes.toggle import source_set_enabled
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import default_domain
from connectors_ui.models import CatalogueConnector, CatalogueSource
from connectors_ui.powens._parse import as_datetime

REVERTIBLE = (
    Action.CONNECTOR_ENABLE,
    Action.CONNECTOR_DISABLE,
    Action.BATCH_ENABLE,
    Action.BATCH_DISABLE,
    Action.SOURCE_ENABLE,
    Action.SOURCE_DISABLE,
)


def is_off(state: Mapping[str, Any]) -> bool:
    """Whether a recorded state is the "off" one: a hidden connector, a disabled source."""
    if "hidden" in state:
        return bool(state["hidden"])
    return state.get("disabled") is not None


@dataclass(frozen=True)
class RevertTarget:
    """One connector (or one source of it) to put back. ``before`` is the state the change
    found (restored exactly: a source's disabled date too), ``after`` the state it left: the
    target is reverted only while it still shows it."""

    entry_id: int
    connector_uuid: str
    connector_name: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    source_id: int | None = None
    source_name: str = ""

    @property
    def off(self) -> bool:
        """The state to restore: off (hidden, disabled) or not."""
        return is_off(self.before)

    @property
    def after_off(self) -> bool:
        """The state the reverted change left, which Powens must still show."""
        return is_off(self.after)

    @property
    def key(self) -> tuple[str, int | None]:
        return self.connector_uuid, self.source_id

    def details(self, batch_id: str) -> dict[str, Any]:
        """What each record of reverting it carries: the entry (and batch) it reverts."""
        reverts: dict[str, Any] = {"entry": self.entry_id}
        if batch_id:
            reverts["batch"] = batch_id
        return {"reverts": reverts}


@dataclass(frozen=True)
class RevertSkip:
    """An entry of the selection that has nothing to revert, and why."""

    entry_id: int
    connector_uuid: str
    connector_name: str
    why: str


@dataclass(frozen=True)
class RevertPlan:
    """What a revert would do: ``targets`` (one per connector: the latest selected change to
    it), the entries it cannot revert, and the batch it reverts ("" for single entries)."""

    targets: tuple[RevertTarget, ...]
    not_revertible: tuple[RevertSkip, ...] = ()
    batch_id: str = ""

    def without(self, entry_ids: Collection[int]) -> "RevertPlan":
        """The plan with the targets of these entries left out (the user unticked them)."""
        left_out = set(entry_ids)
        targets = tuple(t for t in self.targets if t.entry_id not in left_out)
        return RevertPlan(targets, self.not_revertible, self.batch_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "targets": [asdict(target) for target in self.targets],
            "not_revertible": [asdict(skip) for skip in self.not_revertible],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RevertPlan":
        return cls(
            targets=tuple(RevertTarget(**target) for target in data["targets"]),
            not_revertible=tuple(RevertSkip(**skip) for skip in data["not_revertible"]),
            batch_id=data["batch_id"],
        )


def _skip(entry: Any) -> str:
    """Why ``entry`` cannot be reverted, or "" if it can."""
    if entry.action not in REVERTIBLE:
        return "Only enabling or disabling a connector or a source can be reverted."
    if entry.current_outcome != Outcome.SUCCEEDED:
        return f"Not succeeded ({entry.current_outcome}): there is nothing to revert."
    key = "hidden" if entry.source_id is None else "disabled"
    states = (entry.before, entry.after)
    if not all(isinstance(state, dict) and key in state for state in states):
        return "Its before-state is not recorded."
    return ""


def _target(entry: Any) -> RevertTarget:
    """What reverting ``entry`` restores: a connector's hidden flag, or a source's exact
    disabled date (None when it was enabled)."""
    key = "hidden" if entry.source_id is None else "disabled"
    before, after = entry.before[key], entry.after[key]
    if entry.source_id is None:
        before, after = bool(before), bool(after)
    return RevertTarget(
        entry.pk,
        entry.connector_uuid,
        entry.connector_name,
        {key: before},
        {key: after},
        entry.source_id,
        entry.source_name,
    )


def revert_plan(*, entry_ids: Collection[int] = (), batch_id: str = "") -> RevertPlan:
    """The plan reverting these entries, or the batch ``batch_id`` (only ``entry_ids`` of it
    when both are given). Unknown ids are left out; reads the audit log only."""
    entries = AuditEntry.objects.all()
    if batch_id:
        entries = entries.filter(batch_id=batch_id)
    if entry_ids or not batch_id:
        entries = entries.filter(pk__in=list(entry_ids))
    targets: dict[tuple[str, int | None], RevertTarget] = {}
    skipped: list[RevertSkip] = []
    for entry in with_current_outcome(entries).order_by("-seq"):
        uuid, name = entry.connector_uuid, entry.connector_name
        why = _skip(entry)
        if not why and (uuid, entry.source_id) in targets:
            why = "A later change to this target in the selection is reverted instead."
        if why:
            skipped.append(RevertSkip(entry.pk, uuid, name, why))
            continue
        targets[(uuid, entry.source_id)] = _target(entry)
    ordered = sorted(targets.values(), key=lambda target: target.entry_id)
    return RevertPlan(tuple(ordered), tuple(reversed(skipped)), str(batch_id or ""))


def revert_plan_posted(*, batch: Any, entry: Any, left_out: Collection[int] = ()) -> RevertPlan:
    """The plan a revert preview's form confirms: the batch less the entries left out, or
    the one entry."""
    whole = revert_plan(batch_id=str(batch)) if batch else revert_plan(entry_ids=[entry or 0])
    return whole.without(left_out)


@dataclass(frozen=True)
class RevertPreview:
    """The plan against the local copy: what will be reverted, what changed since (skipped),
    and what cannot be (no longer in the catalogue)."""

    plan: RevertPlan
    will_revert: list[RevertTarget] = field(default_factory=list)
    changed_since: list[RevertTarget] = field(default_factory=list)
    cannot: list[RevertSkip] = field(default_factory=list)

    @property
    def needs_typed_count(self) -> bool:
        return len(self.will_revert) > settings.BATCH_CONFIRM_THRESHOLD

    @property
    def noun(self) -> str:
        """What the plan's targets are, for its page: connectors, sources, or both."""
        kinds = {target.source_id is None for target in self.plan.targets}
        return {frozenset({True}): "connector", frozenset({False}): "source"}.get(
            frozenset(kinds), "target"
        )


def _local_off(plan: RevertPlan) -> dict[tuple[str, int | None], bool]:
    """Each target's off-state in the local copy (targets it no longer has are left out):
    one query for the connectors, one for the sources."""
    uuids = [t.connector_uuid for t in plan.targets if t.source_id is None]
    rows = CatalogueConnector.objects.filter(uuid__in=uuids, removed_at__isnull=True)
    known: dict[tuple[str, int | None], bool] = {
        (uuid, None): hidden for uuid, hidden in rows.values_list("uuid", "hidden")
    }
    sources = [t for t in plan.targets if t.source_id is not None]
    if sources:
        source_rows = CatalogueSource.objects.filter(
            connector__uuid__in=[t.connector_uuid for t in sources],
            connector__removed_at__isnull=True,
            source_id__in=[t.source_id for t in sources],
        )
        for uuid, source_id, disabled in source_rows.values_list(
            "connector__uuid", "source_id", "disabled"
        ):
            known[(uuid, source_id)] = disabled
    return known


def revert_preview(plan: RevertPlan) -> RevertPreview:
    """Classify the plan against the local copy (no Powens call, nothing recorded)."""
    known = _local_off(plan)
    preview = RevertPreview(plan, cannot=list(plan.not_revertible))
    for target in plan.targets:
        off = known.get(target.key)
        if off is None:
            why = "No longer in the catalogue."
            skip = RevertSkip(target.entry_id, target.connector_uuid, target.connector_name, why)
            preview.cannot.append(skip)
        elif off == target.after_off:
            preview.will_revert.append(target)
        else:
            preview.changed_since.append(target)
    return preview


def revert_domain(plan: RevertPlan) -> str:
    """The domain the plan's entries are about (one from before domains: the default one's):
    a revert happens there, whatever page it was asked from."""
    ids = [target.entry_id for target in plan.targets] + [s.entry_id for s in plan.not_revertible]
    names = set(AuditEntry.objects.filter(pk__in=ids).values_list("domain", flat=True))
    named = {name for name in names if name}
    return next(iter(named)) if len(named) == 1 else default_domain().name


@dataclass
class RevertResult:
    """What a revert came to: the connectors' batch (None when it reverted sources only) and
    each source's outcome (sources are written one by one, like from their page)."""

    batch: BatchResult | None = None
    source_items: list[BatchItemResult] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)  # the sources' write entries

    @property
    def items(self) -> list[BatchItemResult]:
        return [*(self.batch.items if self.batch else ()), *self.source_items]

    @property
    def batch_id(self) -> uuid_module.UUID | None:
        return self.batch.batch_id if self.batch else None

    @property
    def patch_calls(self) -> int:
        return self.batch.patch_calls if self.batch else 0

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def all_succeeded(self) -> bool:
        return bool(self.items) and self.count(Outcome.SUCCEEDED) == len(self.items)


def restore_disabled_at(state: Mapping[str, Any]) -> datetime | None:
    """The disabled date a source's revert sends back (its exact before-state)."""
    return as_datetime(state.get("disabled"))


def revert_execute(*, plan: RevertPlan, **change: Unpack[ConfirmedChange]) -> RevertResult:
    """Execute the plan; raises ``ChangeRefused`` (recorded) when refused whole.
    ``origin``: the approved change request this applies (``governance``); a domain whose
    policy needs approval refuses a revert without one, like any change.

    Every connector still in the catalogue is sent to the batch machinery, which re-reads
    Powens and reverts only those still in their after-state (the others are recorded as
    refused, "changed since"); each source goes through the source toggle, which does the
    same for one. The typed count is the preview's "will revert"."""
    with domain_scope(revert_domain(plan)):
        preview = revert_preview(plan)
        sendable = [*preview.will_revert, *preview.changed_since]
        connectors = [t for t in sendable if t.source_id is None]
        sources = [t for t in sendable if t.source_id is not None]
        result = RevertResult()
        if connectors or not sources:  # nothing at all: the batch path records the refusal
            result.batch = batch_execute_plan(
                hidden_of={target.connector_uuid: target.off for target in connectors},
                details_of={t.connector_uuid: t.details(plan.batch_id) for t in connectors},
                to_confirm=len(preview.will_revert),
                **change,
            )
        for target in sources:
            _revert_source(result, target, plan, change)
        return result


def _revert_source(
    result: RevertResult, target: RevertTarget, plan: RevertPlan, confirmed: ConfirmedChange
) -> None:
    """Put one source back; one that changed since is skipped (refused as stale, recorded)."""
    assert target.source_id is not None
    try:
        change = source_set_enabled(
            uuid=target.connector_uuid,
            source_id=target.source_id,
            enabled=not target.off,
            seen_disabled=target.after_off,
            disable_at=restore_disabled_at(target.before),
            actor=confirmed["actor"],
            reason=confirmed["reason"],
            request_meta=confirmed["request_meta"],
            origin=confirmed.get("origin"),
            details=target.details(plan.batch_id),
        )
    except ChangeStale as refused:
        item = BatchItemResult(
            target.connector_uuid, target.connector_name, Outcome.REFUSED, STALE_REVERT, "stale"
        )
        result.source_items.append(item)
        if refused.entry is not None:
            result.entry_ids.append(refused.entry.pk)
        return
    name = change.entry.source_name or target.source_name
    item = BatchItemResult(target.connector_uuid, name, change.outcome, change.message)
    result.source_items.append(item)
    result.entry_ids.append(change.entry.pk)
