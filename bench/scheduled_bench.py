"""A scheduled batch of 1,000 connectors: how long after its due time it has completed,
audit included (issue 13: within 5 s).

Run: DJANGO_ENV=test .venv/bin/python bench/scheduled_bench.py [--size 1000] [--lead 3]

Sets up a throwaway SQLite database (file, WAL), loads a generated sandbox catalogue of
``--size`` enabled connectors and refreshes the local copy, then an editor schedules a window
"disable all of them from T to T+lead+5 s". The worker is simulated as the periodic trigger
drives it: ``scheduled_steps_run_due`` every ``PERIODIC_JOBS["scheduled_steps_run_due"]``
seconds. Reports, for the start and the end step: seconds from due time to the step finished
(the 1,000 intents, PATCH chunks and 1,000 outcomes sealed), the run itself, upstream calls
and PATCH calls; then checks the audit chain.
"""

import argparse
import time
from datetime import timedelta

from _setup import Upstream, chain_report, django_setup, editor_on_enabled_catalogue, load_average

django_setup("scheduled-bench-")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from connectors_ui.powens.client import call_count, reset_call_count  # noqa: E402
from governance.models import ChangeRequest, ScheduledStep  # noqa: E402
from governance.proposals import Schedule, Wish, change_request_propose  # noqa: E402
from governance.schedules import scheduled_steps_run_due  # noqa: E402

UPSTREAM = Upstream().install()


def run_until_done(step: ScheduledStep, tick: float) -> dict:
    """Tick the runner as the periodic trigger would until ``step`` has finished."""
    UPSTREAM.reset()
    reset_call_count()
    run_seconds = 0.0
    while True:
        started = time.perf_counter()
        ran = scheduled_steps_run_due()
        if ran:
            run_seconds = time.perf_counter() - started
        step.refresh_from_db()
        if step.finished_at is not None:
            break
        time.sleep(tick)
    return {
        "late_s": (step.finished_at - step.due_at).total_seconds(),
        "run_s": run_seconds,
        "calls": call_count(),
        "patch": UPSTREAM.patch_calls,
        "status": step.status,
        "note": step.note,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--lead", type=float, default=3.0, help="seconds until the start")
    args = parser.parse_args()
    _, catalogue = editor_on_enabled_catalogue(args.size)
    editor = get_user_model().objects.get(username="bench-editor")
    tick = settings.PERIODIC_JOBS["scheduled_steps_run_due"]["every_seconds"]
    starts = timezone.now() + timedelta(seconds=args.lead)
    started = time.perf_counter()
    request = change_request_propose(
        actor=editor,
        kind=ChangeRequest.Kind.BATCH,
        wishes=[Wish(c["uuid"], True) for c in catalogue],
        reason="bench window",
        request_meta=None,
        confirm_count=len(catalogue),
        schedule=Schedule(starts, starts + timedelta(seconds=args.lead + 5)),
    )
    print(
        f"scheduled batch of {request.targets.count()} connectors in "
        f"{time.perf_counter() - started:.2f} s; runner every {tick} s, SQLite (file, WAL)"
    )
    for step in request.steps.order_by("due_at"):
        figures = run_until_done(step, tick)
        print(
            f"{step.get_kind_display():12}: finished {figures['late_s']:.2f} s after its due "
            f"time (run {figures['run_s']:.2f} s, upstream calls {figures['calls']}, "
            f"PATCH {figures['patch']}) · {figures['status']}: {figures['note']} · {load_average()}"
        )
    print(chain_report())


if __name__ == "__main__":
    main()
