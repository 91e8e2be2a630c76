"""Observed changes in a refresh of a big catalogue: all detected, none duplicated, and what
detecting them (and recording health history) costs the refresh.

Run: DJANGO_ENV=test .venv/bin/python bench/observed_bench.py [--size 20000] [--changes 100]
     [--rounds 3] [--db-dir DIR]

Sets up a throwaway SQLite database, loads a generated sandbox catalogue and refreshes the
local copy (the first load). Then, for each of ``--rounds`` rounds, someone else changes
``--changes`` states in the sandbox directly (half the connectors hidden or shown, half a
source disabled or enabled) and the copy is refreshed with detection and health history
switched off (the refresh as it was before issue 14: "before"); then as many other states
change and it is refreshed with them on ("after"). Before and after alternate in the same run,
each printed with the machine's load average and the process's CPU time (the machine is
shared: the wall time swings with the load), then medians; a last refresh with no change
shows that none is recorded twice.
"""

import argparse
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _setup import catalogue_load, django_setup

_parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_parser.add_argument("--size", type=int, default=20_000)
_parser.add_argument("--changes", type=int, default=100)
_parser.add_argument("--rounds", type=int, default=3, help="before/after pairs, interleaved")
_parser.add_argument("--db-dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
ARGS = _parser.parse_args()
DATABASE = django_setup("observed-bench-", db_dir=ARGS.db_dir)

from django.core.management import call_command  # noqa: E402

from audit.chain import chain_verify  # noqa: E402
from audit.models import Action, AuditEntry  # noqa: E402
from connectors_ui.catalogue import sync as sync_module  # noqa: E402
from connectors_ui.models import CatalogueSync, HealthTransition  # noqa: E402
from sandbox.backend import generated_catalogue, set_connector_hidden, set_source_disabled  # noqa: E402
from sandbox.models import SandboxConnector, SandboxSource  # noqa: E402


def outside_changes(count: int, offset: int) -> None:
    """Flip ``count`` states in the sandbox as the Powens console would: connectors' hidden
    flag for the first half, a source's disabled state for the second half."""
    connectors = list(SandboxConnector.objects.order_by("id")[offset : offset + count // 2])
    for connector in connectors:
        set_connector_hidden(connector.uuid, not connector.hidden)
    sources = SandboxSource.objects.select_related("connector").order_by("id")
    for source in sources[offset : offset + count - len(connectors)]:
        when = None if source.disabled else "2026-01-02 03:04:05"
        set_source_disabled(source.connector.uuid, source.id, when)


@dataclass(frozen=True)
class Timing:
    """Wall seconds, and this process's CPU seconds: on a shared machine the wall time swings
    with the load (here 18 to 25 s for the same refresh), the CPU time much less."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s (CPU {self.cpu:5.2f} s)"


def timed_refresh() -> tuple[Timing, CatalogueSync]:
    wall, cpu = time.perf_counter(), time.process_time()
    sync = sync_module.catalogue_refresh(trigger=CatalogueSync.Trigger.COMMAND)
    assert sync.status == CatalogueSync.Status.SUCCESS, sync.error
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), sync


def observed_count() -> int:
    return AuditEntry.objects.filter(action=Action.OBSERVED_CHANGE).count()


@contextmanager
def hooks_as(observed: Callable[..., Any], health: Callable[..., Any]) -> Iterator[None]:
    saved = sync_module.observed_changes_record, sync_module.health_record
    sync_module.observed_changes_record, sync_module.health_record = observed, health
    try:
        yield
    finally:
        sync_module.observed_changes_record, sync_module.health_record = saved


def timed(function: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def measured(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(**kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    return measured


def without_hooks() -> Timing:
    """The refresh with detection and health history replaced by no-ops: the "before"."""
    with hooks_as(lambda **kwargs: [], lambda **kwargs: 0):
        timing, _ = timed_refresh()
    return timing


def with_hooks() -> tuple[Timing, float]:
    """The refresh as it runs ("after"), and the seconds spent in the two hooks themselves."""
    spent: list[float] = []
    observed, health = sync_module.observed_changes_record, sync_module.health_record
    with hooks_as(timed(observed, spent), timed(health, spent)):
        timing, _ = timed_refresh()
    return timing, sum(spent)


def load() -> str:
    return "load " + " ".join(f"{n:.2f}" for n in os.getloadavg())


@dataclass(frozen=True)
class Round:
    before: Timing
    after: Timing
    in_hooks: float  # seconds of the "after" spent detecting and recording history
    recorded_off: int  # observed changes recorded with detection off (must be 0)
    detected: int


def one_round(number: int) -> Round:
    """Outside changes then a refresh with detection off; as many new ones then a refresh
    with it on."""
    outside_changes(ARGS.changes, offset=2 * number * ARGS.changes)
    counted = observed_count()
    before = without_hooks()
    recorded_off = observed_count() - counted
    outside_changes(ARGS.changes, offset=(2 * number + 1) * ARGS.changes)
    after, in_hooks = with_hooks()
    print(
        f"round {number + 1}: before (detection off) {before} · after (detection on) {after},"
        f" of which detection {in_hooks:.2f} s · {load()}"
    )
    return Round(before, after, in_hooks, recorded_off, observed_count() - counted - recorded_off)


def median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {DATABASE}; {ARGS.size:,} connectors, {ARGS.changes} outside changes")
    print(f"cores: {os.cpu_count()}; {load()}")
    started = time.perf_counter()
    catalogue_load(generated_catalogue(ARGS.size))
    print(f"first load: {time.perf_counter() - started:.2f} s")
    rounds = [one_round(number) for number in range(ARGS.rounds)]
    detected = observed_count()
    keys = Counter(
        AuditEntry.objects.filter(action=Action.OBSERVED_CHANGE).values_list(
            "details__key", flat=True
        )
    )
    quiet, _ = timed_refresh()
    print(f"median refresh, detection off (before): {median([r.before for r in rounds])}")
    print(f"median refresh, detection on (after):   {median([r.after for r in rounds])}")
    in_hooks = statistics.median(r.in_hooks for r in rounds)
    print(f"median time in detection itself:        {in_hooks:.2f} s")
    print(f"refresh with no change, detection on:   {quiet} · {load()}")
    print(f"recorded with detection off: {sum(r.recorded_off for r in rounds)} (must be 0)")
    print(f"detected with detection on: {[r.detected for r in rounds]} of {ARGS.changes} each")
    print(f"duplicates after a quiet refresh: {observed_count() - detected}")
    print(f"duplicate keys: {sum(n - 1 for n in keys.values())}")
    print(f"health transitions recorded: {HealthTransition.objects.count():,}")
    print(f"audit chain intact: {chain_verify().ok}")


main()
