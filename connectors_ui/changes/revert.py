"""Revert: the inverse of succeeded connector changes (one entry, a batch, or some of its
entries), back to each connector's exact before-state, and only where Powens still shows the
state the change left; the others are "changed since, skipped".

A revert is a plan (``RevertPlan``: targets with their before and after states, built from the
audit log) that the batch machinery executes (``batch_execute_plan``): the same preview,
reason, typed confirmation, claims, stale-write read of Powens, chunked writes and audit as a
batch. Each revert record names the entry it reverts (``details["reverts"]``), so the audit
pages link the revert and the original both ways.

``RevertPlan`` is a plain value with ``to_json``/``from_json``: a change request can store it
at proposal time and execute it later with ``revert_execute``, which re-checks Powens then.
"""

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings

from audit.models import Action, AuditEntry, Outcome
from audit.selectors import with_current_outcome
from audit.services import Actor, RequestMeta
from connectors_ui.changes.batch import batch_execute_plan
from connectors_ui.changes.batch_result import BatchResult
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import default_domain
from connectors_ui.models import CatalogueConnector

REVERTIBLE = (
    Action.CONNECTOR_ENABLE,
    Action.CONNECTOR_DISABLE,
    Action.BATCH_ENABLE,
    Action.BATCH_DISABLE,
)


@dataclass(frozen=True)
class RevertTarget:
    """One connector to put back. ``before`` is the state the change found (restored),
    ``after`` the state it left: the connector is reverted only while it still shows it."""

    entry_id: int
    connector_uuid: str
    connector_name: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]

    @property
    def hidden(self) -> bool:
        """The state to restore: hidden (disabled on this domain) or not."""
        return bool(self.before["hidden"])


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
    if entry.action not in REVERTIBLE or entry.source_id is not None:
        return "Only enabling or disabling a connector can be reverted."
    if entry.current_outcome != Outcome.SUCCEEDED:
        return f"Not succeeded ({entry.current_outcome}): there is nothing to revert."
    states = (entry.before, entry.after)
    if not all(isinstance(state, dict) and "hidden" in state for state in states):
        return "Its before-state is not recorded."
    return ""


def revert_plan(*, entry_ids: Collection[int] = (), batch_id: str = "") -> RevertPlan:
    """The plan reverting these entries, or the batch ``batch_id`` (only ``entry_ids`` of it
    when both are given). Unknown ids are left out; reads the audit log only."""
    entries = AuditEntry.objects.all()
    if batch_id:
        entries = entries.filter(batch_id=batch_id)
    if entry_ids or not batch_id:
        entries = entries.filter(pk__in=list(entry_ids))
    targets: dict[str, RevertTarget] = {}
    skipped: list[RevertSkip] = []
    for entry in with_current_outcome(entries).order_by("-seq"):
        uuid, name = entry.connector_uuid, entry.connector_name
        why = _skip(entry)
        if not why and uuid in targets:
            why = "A later change to this connector in the selection is reverted instead."
        if why:
            skipped.append(RevertSkip(entry.pk, uuid, name, why))
            continue
        before = {"hidden": bool((entry.before or {})["hidden"])}
        after = {"hidden": bool((entry.after or {})["hidden"])}
        targets[uuid] = RevertTarget(entry.pk, uuid, name, before, after)
    ordered = sorted(targets.values(), key=lambda target: target.entry_id)
    return RevertPlan(tuple(ordered), tuple(reversed(skipped)), str(batch_id or ""))


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


def revert_preview(plan: RevertPlan) -> RevertPreview:
    """Classify the plan against the local copy (no Powens call, nothing recorded)."""
    uuids = [target.connector_uuid for target in plan.targets]
    rows = CatalogueConnector.objects.filter(uuid__in=uuids).only("uuid", "hidden", "removed_at")
    known = {row.uuid: row for row in rows}
    preview = RevertPreview(plan, cannot=list(plan.not_revertible))
    for target in plan.targets:
        row = known.get(target.connector_uuid)
        if row is None or row.is_removed:
            why = "No longer in the catalogue."
            skip = RevertSkip(target.entry_id, target.connector_uuid, target.connector_name, why)
            preview.cannot.append(skip)
        elif row.hidden == target.after["hidden"]:
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


def revert_execute(
    *,
    actor: Actor,
    plan: RevertPlan,
    reason: Any,
    confirm_count: int | None,
    request_meta: RequestMeta | None,
    origin: Mapping[str, Any] | None = None,
    confirm_domain: str | None = None,
) -> BatchResult:
    """Execute the plan as a batch; raises ``ChangeRefused`` (recorded) when refused whole.
    ``origin``: the approved or scheduled change request this applies (``governance``); a
    domain whose policy needs approval refuses a revert without one, like any change.

    Every target still in the catalogue is sent to the batch machinery, which re-reads Powens
    and reverts only those still in their after-state (the others are recorded as refused,
    "changed since"); the typed count is the preview's "will revert"."""
    with domain_scope(revert_domain(plan)):
        return _revert_execute(
            plan, actor, reason, confirm_count, request_meta, origin, confirm_domain
        )


def _revert_execute(
    plan: RevertPlan,
    actor: Actor,
    reason: Any,
    confirm_count: int | None,
    request_meta: RequestMeta | None,
    origin: Mapping[str, Any] | None,
    confirm_domain: str | None,
) -> BatchResult:
    preview = revert_preview(plan)
    sendable = [*preview.will_revert, *preview.changed_since]
    reverts = {"batch": plan.batch_id} if plan.batch_id else {}
    return batch_execute_plan(
        actor=actor,
        hidden_of={target.connector_uuid: target.hidden for target in sendable},
        reason=reason,
        confirm_count=confirm_count,
        request_meta=request_meta,
        details_of={
            target.connector_uuid: {"reverts": {"entry": target.entry_id, **reverts}}
            for target in sendable
        },
        to_confirm=len(preview.will_revert),
        origin=origin,
        confirm_domain=confirm_domain,
    )
