"""Run a plan through the change services every write path uses: ``connector_set_enabled`` and
``source_set_enabled`` for one target, ``batch_execute_plan`` for many connectors (a batch, a
revert, a promote: each connector to its own state, with its own details). They check the
role, the reason and the state (a target no longer as expected is refused as stale, on the
record, and never forced), seal the intents, call Powens and record the outcomes; the
``origin`` they are given puts the request (and step) into every entry they write.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accounts.scope import scoped
from audit.models import Outcome
from audit.refusals import ChangeRefused
from audit.services import Actor
from connectors_ui.changes import connector_set_enabled, source_set_enabled
from connectors_ui.changes.batch import batch_execute_plan
from connectors_ui.changes.revert import restore_disabled_at
from governance.models import SEVERAL_TARGETS, ChangeRequest, PlannedTarget


@dataclass(frozen=True)
class Move:
    """One target to move: from the state Powens must still show (``expect_off``) to
    ``off``. A step restoring a window's start moves the other way."""

    target: PlannedTarget
    expect_off: bool
    off: bool


@dataclass
class PlanOutcome:
    """What running a plan did: each target's outcome ("succeeded", "failed", "unknown", or
    "skipped" for one refused because it changed), and where the audit log has it."""

    outcomes: dict[int, str] = field(default_factory=dict)  # PlannedTarget pk -> outcome
    messages: list[str] = field(default_factory=list)
    batch_ids: list[str] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.outcomes.values()))

    def succeeded(self) -> list[int]:
        return [pk for pk, outcome in self.outcomes.items() if outcome == Outcome.SUCCEEDED]

    def summary(self) -> dict[str, Any]:
        """As a request or step keeps it (JSON)."""
        return {
            "counts": self.counts(),
            "batch_ids": self.batch_ids,
            "entry_ids": self.entry_ids,
            "messages": self.messages[:20],
        }


SKIPPED = "skipped"  # refused because the target changed: recorded, not forced


def plan_execute(
    *,
    request: ChangeRequest,
    moves: Sequence[Move],
    actor: Actor,
    origin: Mapping[str, Any],
) -> PlanOutcome:
    """Apply ``moves`` as ``actor`` with the request's reason, on the request's domain; never
    raises a refusal (each is recorded by the service and reported here)."""
    with scoped(request.domain):
        return _plan_execute(request=request, moves=moves, actor=actor, origin=origin)


def _plan_execute(
    *,
    request: ChangeRequest,
    moves: Sequence[Move],
    actor: Actor,
    origin: Mapping[str, Any],
) -> PlanOutcome:
    result = PlanOutcome()
    batchable = [m for m in moves if m.target.source_id is None]
    if request.kind in SEVERAL_TARGETS and batchable:
        _batch(result, batchable, actor, request.reason, origin)
        moves = [m for m in moves if m.target.source_id is not None]
    for move in moves:
        _single(result, move, actor, request.reason, origin)
    return result


def _batch(
    result: PlanOutcome, moves: list[Move], actor: Actor, reason: str, origin: Mapping[str, Any]
) -> None:
    """The connectors of a plan, each to its own state, as one batch (confirmed when it was
    proposed: the typed count is the plan's)."""
    by_uuid = {m.target.connector_uuid: m.target.pk for m in moves}
    try:
        batch = batch_execute_plan(
            actor=actor,
            hidden_of={m.target.connector_uuid: m.off for m in moves},
            reason=reason,
            confirm_count=len(by_uuid),
            request_meta=None,
            details_of={m.target.connector_uuid: m.target.details for m in moves},
            origin=origin,
        )
    except ChangeRefused as refused:
        result.outcomes.update(dict.fromkeys(by_uuid.values(), Outcome.REFUSED.value))
        result.messages.append(refused.message)
        return
    result.batch_ids.append(str(batch.batch_id))
    for item in batch.items:
        result.outcomes[by_uuid[item.uuid]] = SKIPPED if item.code == "stale" else item.outcome
    if stale := sum(1 for item in batch.items if item.code == "stale"):
        result.messages.append(f"{stale} connector(s) changed since, skipped.")


def _single(
    result: PlanOutcome, move: Move, actor: Actor, reason: str, origin: Mapping[str, Any]
) -> None:
    target = move.target
    common: dict[str, Any] = {
        "actor": actor,
        "uuid": target.connector_uuid,
        "enabled": not move.off,
        "reason": reason,
        "request_meta": None,
        "origin": origin,
        "details": target.details or None,
    }
    try:
        if target.source_id is None:
            change = connector_set_enabled(**common, seen_hidden=move.expect_off)
        else:
            restores = target.details.get("restores") or {}
            change = source_set_enabled(
                **common,
                source_id=target.source_id,
                seen_disabled=move.expect_off,
                disable_at=restore_disabled_at(restores) if move.off else None,
            )
    except ChangeRefused as refused:
        result.outcomes[target.pk] = SKIPPED if refused.code == "stale" else Outcome.REFUSED.value
        result.messages.append(refused.message)
        if refused.entry is not None:
            result.entry_ids.append(refused.entry.pk)
        return
    result.outcomes[target.pk] = change.outcome.value
    result.messages.append(change.message)
    result.entry_ids.append(change.entry.pk)
