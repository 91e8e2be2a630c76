"""Drift between two domains, checked on a schedule: the worker's periodic job compares the
pair's local copies with the compare selectors (``compare.selectors.domain_differences``, the
one definition of a difference), stores the run (``DriftRun``) and puts only the differences
new since the previous run on the audit record (``Action.DRIFT_DETECTED``), which the webhook
outbox turns into notifications. Differences gone since the previous run are counted as
resolved; a run that finds nothing new records nothing.

Each difference has a stable key (what differs, on which connector, which way), so one that
persists is notified once, and one that goes away and comes back is notified again.

The pair: ``settings.DRIFT_PAIR`` ("source,target"), "off", or by default the registry's
first sandbox and first production domain when it has both. An unknown name stops start-up
(``drift_pair_validate``, called by the app's ``ready``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import Action, AuditEntry
from audit.services import audit_record_event
from connectors_ui.catalogue.selectors import catalogue_status
from connectors_ui.compare.selectors import Difference, connector_names, domain_differences
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import domains
from connectors_ui.models import DriftRun

# An audit entry lists at most this many new differences, and says how many it left out.
LISTED_MAX = 200
RUNS_KEPT = 200  # per pair; older runs are deleted (the page shows the last few)
CHECKER = "drift check"  # the entry's actor: no account runs it


@dataclass(frozen=True)
class DriftPair:
    source: str
    target: str

    @property
    def label(self) -> str:
        return f"{self.source} | {self.target}"

    @property
    def compare_path(self) -> str:
        """The comparison page filtered on this pair."""
        return f"{reverse('compare')}?{urlencode({'source': self.source, 'target': self.target})}"


def _default_pair() -> DriftPair | None:
    found = domains()
    sandbox = next((d.name for d in found if not d.is_production), None)
    production = next((d.name for d in found if d.is_production), None)
    return DriftPair(sandbox, production) if sandbox and production else None


def drift_pair() -> DriftPair | None:
    """The pair the check compares, or None when it is off."""
    configured = [name.strip() for name in settings.DRIFT_PAIR]
    if configured == ["off"]:
        return None
    if not configured:
        return _default_pair()
    known = {d.name for d in domains()}
    unknown = [name for name in configured if name not in known]
    if len(configured) != 2 or configured[0] == configured[1] or unknown:
        what = f"unknown domain {', '.join(unknown)}" if unknown else "not two distinct domains"
        raise ImproperlyConfigured(
            f"DRIFT_PAIR ({what}): give two of the configured domains ({', '.join(sorted(known))})"
            ' as "source,target", or "off".'
        )
    return DriftPair(*configured)


def drift_pair_validate() -> None:
    """Refuse to start with a DRIFT_PAIR naming a domain the registry does not have."""
    drift_pair()


def _state(hidden: bool | None) -> str:
    return "disabled" if hidden else "enabled"


def _keyed(difference: Difference, pair: DriftPair) -> Iterable[tuple[str, str, str]]:
    """(key, uuid, what differs) for one difference of the comparison: a line per source when
    sources differ, so each one is notified (and resolved) on its own."""
    uuid = difference.uuid
    if difference.kind in ("only_source", "only_target"):
        where = pair.source if difference.kind == "only_source" else pair.target
        yield f"only:{where}:{uuid}", uuid, f"listed on {where} only"
    elif difference.kind == "state":
        a, b = _state(difference.source_hidden), _state(difference.target_hidden)
        yield f"state:{uuid}:{a}>{b}", uuid, f"{a} on {pair.source}, {b} on {pair.target}"
    for s in difference.sources:
        a, b = _state(s.disabled_on_source), _state(s.disabled_on_target)
        yield (
            f"source:{uuid}/{s.name}:{a}>{b}",
            uuid,
            f"source {s.name}: {a} on {pair.source}, {b} on {pair.target}",
        )


def drift_differences(pair: DriftPair) -> dict[str, tuple[str, str]]:
    """Every difference of the pair's copies now: a stable key -> (uuid, what differs)."""
    found = domain_differences(source=pair.source, target=pair.target)
    return {key: (uuid, what) for d in found for key, uuid, what in _keyed(d, pair)}


def _lines(new: Mapping[str, tuple[str, str]], pair: DriftPair) -> list[str]:
    """The new differences for people, by connector name (names read for these only)."""
    uuids = sorted({uuid for uuid, _ in new.values()})
    names = connector_names(uuids, domains=[pair.source, pair.target])
    return sorted(f"{names.get(uuid) or uuid}: {what}" for uuid, what in new.values())


def _recorded(pair: DriftPair, lines: list[str], *, resolved: int, total: int) -> AuditEntry:
    """The "drift detected" entry, sealed with the target's domain: the one a promotion
    would change, and the one a domain's webhook endpoint hears about."""
    summary = (
        f"{len(lines):,} new difference{'s' if len(lines) != 1 else ''} between "
        f"{pair.source} and {pair.target} ({total:,} in all)"
    )
    details: dict[str, Any] = {
        "pair": [pair.source, pair.target],
        "summary": summary,
        "link": pair.compare_path,
        "new": lines[:LISTED_MAX],
        "new_count": len(lines),
        "resolved_count": resolved,
        "total": total,
    }
    if len(lines) > LISTED_MAX:
        details["new"].append(f"… and {len(lines) - LISTED_MAX:,} more")
    with domain_scope(pair.target):
        return audit_record_event(
            actor=None, action=Action.DRIFT_DETECTED, details=details, actor_username=CHECKER
        )


def _loaded(pair: DriftPair) -> bool:
    """Whether both copies were refreshed once: an empty copy is no drift, only not loaded yet
    (comparing it would notify every connector of the other as "listed on one only")."""
    for name in (pair.source, pair.target):
        with domain_scope(name):
            if catalogue_status().last_success is None:
                return False
    return True


def _last_run(pair: DriftPair) -> DriftRun | None:
    return DriftRun.objects.filter(pair=pair.label).order_by("-number").first()


def _run_stored(
    pair: DriftPair, found: Mapping[str, tuple[str, str]], *, now: datetime
) -> DriftRun:
    """Store the run after the pair's last one, and the entry for what is new, together."""
    with transaction.atomic():
        last = _last_run(pair)
        previous = set(last.differences) if last else set()
        new = {key: found[key] for key in found.keys() - previous}
        resolved = len(previous - found.keys())
        entry = None
        if new:
            entry = _recorded(pair, _lines(new, pair), resolved=resolved, total=len(found))
        return DriftRun.objects.create(
            pair=pair.label,
            number=last.number + 1 if last else 1,
            ran_at=now,
            total=len(found),
            new_count=len(new),
            resolved_count=resolved,
            differences=sorted(found),
            entry=entry,
        )


def domain_drift_check(*, now: datetime) -> DriftRun | None:
    """Compare the pair, store the run and record what is new since the previous run. None
    when the check is off, a copy was never loaded, or a racing run of the pair committed the
    same run number first (that one did the work and recorded its entry; ours rolled back)."""
    pair = drift_pair()
    if pair is None or not _loaded(pair):
        return None
    try:
        run = _run_stored(pair, drift_differences(pair), now=now)
    except IntegrityError:
        return None
    DriftRun.objects.filter(pair=pair.label, number__lte=run.number - RUNS_KEPT).delete()
    return run


def drift_runs(pair: DriftPair, *, limit: int = 10) -> list[DriftRun]:
    """The pair's last runs, newest first (the comparison page shows them)."""
    return list(DriftRun.objects.filter(pair=pair.label).order_by("-number")[:limit])


@dataclass(frozen=True)
class DriftHistory:
    """What the comparison page says of the scheduled check: its pair, how often it runs and,
    when the page compares that pair (either way round), its last runs."""

    pair: DriftPair
    every_seconds: int
    runs: list[DriftRun]
    this_pair: bool

    @property
    def schedule(self) -> str:
        """ "every hour", "every 15 minutes", "every 90 seconds"."""
        for size, unit in ((3600, "hour"), (60, "minute"), (1, "second")):
            if self.every_seconds and self.every_seconds % size == 0:
                count = self.every_seconds // size
                return f"every {unit}" if count == 1 else f"every {count} {unit}s"
        return "not scheduled"


def drift_history(*, source: str, target: str, limit: int = 10) -> DriftHistory | None:
    """None when the check is off."""
    pair = drift_pair()
    if pair is None:
        return None
    this_pair = {source, target} == {pair.source, pair.target}
    every = int(settings.PERIODIC_JOBS.get("domain_drift_check", {}).get("every_seconds", 0))
    runs = drift_runs(pair, limit=limit) if this_pair else []
    return DriftHistory(pair, every, runs, this_pair)
