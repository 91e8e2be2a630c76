"""A plan's targets as Powens shows them: read when a change is proposed (its ``before``) and
again when it is applied (anything different refuses the whole request).

Reads go through the one Powens client: one GET for a connector or a source, one list call
(hidden connectors included) however many connectors a batch holds.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from connectors_ui.changes.targets import state_word, target_of
from connectors_ui.domains.context import current_domain_name
from connectors_ui.powens import get_client
from governance.models import PlannedTarget

Key = tuple[str, int | None]  # (connector uuid, source id or None), as the audit log keys it


def key_of(target: PlannedTarget) -> Key:
    return target.connector_uuid, target.source_id


@dataclass(frozen=True)
class Observed:
    """One target as Powens showed it: its name, whether it is off, and its raw state."""

    name: str
    source_name: str
    off: bool
    state: dict


def plan_read(keys: Sequence[Key]) -> dict[Key, Observed]:
    """Powens' state of each target it knows (missing ones are left out); raises
    ``PowensError`` when it cannot be read. Several connectors take one list call."""
    connectors = [key for key in keys if key[1] is None]
    observed: dict[Key, Observed] = {}
    if len(connectors) > 1:
        client = get_client(current_domain_name())  # as ``target_of`` reads a single one
        listed = {c.uuid: c for c in client.list_connectors(include_hidden=True).connectors}
        for uuid, _ in connectors:
            if (connector := listed.get(uuid)) is not None:
                hidden = bool(connector.hidden)
                observed[(uuid, None)] = Observed(
                    connector.name or "", "", hidden, {"hidden": hidden}
                )
        singles: Iterable[Key] = [key for key in keys if key[1] is not None]
    else:
        singles = keys
    for key in singles:
        observed[key] = _read_one(key)
    return observed


def _read_one(key: Key) -> Observed:
    target = target_of(*key)
    current = target.read()
    if key[1] is None:
        return Observed(current.name or "", "", target.is_off(current), target.state(current))
    return Observed("", str(current.name or ""), target.is_off(current), target.state(current))


def plan_changed_since(targets: Sequence[PlannedTarget], *, expect_off: bool) -> list[str]:
    """The targets whose state Powens shows differs from what the plan expects now (their
    ``before`` when ``expect_off`` is False: not yet applied; their asked-for state otherwise),
    each as a sentence. Raises ``PowensError`` when Powens cannot be read."""
    observed = plan_read([key_of(t) for t in targets])
    changed = []
    for target in targets:
        expected = target.off if expect_off else target.before_off
        now = observed.get(key_of(target))
        if now is None:
            changed.append(f"{target_label(target)}: Powens no longer lists it")
        elif now.off != expected:
            changed.append(f"{target_label(target)}: now {state_word(not now.off)}")
    return changed


def target_label(target: PlannedTarget) -> str:
    name = target.connector_name or target.connector_uuid
    if target.source_id is None:
        return name
    return f"source {target.source_name or f'#{target.source_id}'} of {name}"
