"""Drift between two domains, checked on a schedule: the pair in ``settings.DRIFT_PAIR`` is
compared from the local copies, connector by UUID, and only differences new since the last run
are put on the audit record (``Action.DRIFT_DETECTED``, delivered from there by the outbox).

A difference is a connector listed on one domain only, a connector disabled on one and enabled
on the other, or one of its sources disabled on one and enabled on the other. Each has a stable
key; the last run's keys are kept (``DriftRun``), so a difference that persists is notified
once, one that goes away and comes back is notified again.

Each domain has its own copy (``connectors_ui.domains``); ``domain_connectors`` is the one
place that reads a domain's connectors. Sources are matched by name: their ids are per domain.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction

from audit.models import Action, AuditEntry
from audit.services import audit_record_event
from connectors_ui.domains.context import domain_scope
from connectors_ui.models import CatalogueConnector, CatalogueSource, DriftRun

# An audit entry lists at most this many new differences, and says how many it left out.
LISTED_MAX = 200
CHECKER = "drift check"  # the entry's actor: no account runs it


class Listed(NamedTuple):
    """What the check compares of one connector on one domain."""

    name: str
    hidden: bool
    sources: Mapping[str, tuple[str, bool]]  # source name -> (name, disabled)


def domain_connectors(domain: str) -> dict[str, Listed]:
    """The listed connectors of ``domain``'s local copy, by UUID (the one domain lookup)."""
    sources: dict[int, dict[str, tuple[str, bool]]] = {}
    with domain_scope(domain):
        rows = CatalogueSource.objects.filter(connector__removed_at__isnull=True)
        for pk, name, disabled in rows.values_list("connector_id", "name", "disabled"):
            sources.setdefault(pk, {})[name] = (name, disabled)
        connectors = CatalogueConnector.objects.filter(removed_at__isnull=True)
        listed = connectors.values_list("pk", "uuid", "name", "hidden")
        return {
            uuid: Listed(name, hidden, sources.get(pk, {})) for pk, uuid, name, hidden in listed
        }


def _state(off: bool) -> str:
    return "disabled" if off else "enabled"


def _pair_differences(uuid: str, a: Listed, b: Listed, names: tuple[str, str]) -> dict[str, str]:
    found = {}
    if a.hidden != b.hidden:
        found[f"state:{uuid}"] = (
            f"{a.name}: {_state(a.hidden)} on {names[0]}, {_state(b.hidden)} on {names[1]}"
        )
    for key, (source, off) in a.sources.items():
        other = b.sources.get(key)
        if other is not None and other[1] != off:
            found[f"source:{uuid}/{key}"] = (
                f"{a.name}, source {source}: {_state(off)} on {names[0]}, "
                f"{_state(other[1])} on {names[1]}"
            )
    return found


def drift_differences(a: str, b: str) -> dict[str, str]:
    """Every difference between domains ``a`` and ``b``: a stable key -> a line for people."""
    left, right = domain_connectors(a), domain_connectors(b)
    found: dict[str, str] = {}
    for uuid in left.keys() - right.keys():
        found[f"only:{a}:{uuid}"] = f"{left[uuid].name}: listed on {a} only"
    for uuid in right.keys() - left.keys():
        found[f"only:{b}:{uuid}"] = f"{right[uuid].name}: listed on {b} only"
    for uuid in left.keys() & right.keys():
        found.update(_pair_differences(uuid, left[uuid], right[uuid], (a, b)))
    return found


def _recorded(pair: tuple[str, str], new: Mapping[str, str], total: int) -> AuditEntry:
    lines = [new[key] for key in sorted(new)]
    details: dict[str, Any] = {
        "pair": list(pair),
        "new": lines[:LISTED_MAX],
        "new_count": len(lines),
        "total": total,
    }
    if len(lines) > LISTED_MAX:
        details["new"].append(f"… and {len(lines) - LISTED_MAX:,} more")
    return audit_record_event(
        actor=None, action=Action.DRIFT_DETECTED, details=details, actor_username=CHECKER
    )


def domain_drift_check(*, now: datetime) -> AuditEntry | None:
    """Compare ``DRIFT_PAIR``, keep this run's differences and record the new ones; returns
    the entry, or None when nothing is new (or no pair is configured)."""
    pair = tuple(settings.DRIFT_PAIR)
    if len(pair) != 2:
        return None
    a, b = pair
    found = drift_differences(a, b)
    with transaction.atomic():
        run, _ = DriftRun.objects.select_for_update().get_or_create(
            pair=f"{a} | {b}", defaults={"ran_at": now}
        )
        new = {key: line for key, line in found.items() if key not in set(run.differences)}
        run.ran_at, run.differences = now, sorted(found)
        run.save(update_fields=["ran_at", "differences"])
        return _recorded((a, b), new, len(found)) if new else None
