"""Steps of the real-worker tests, each run in its own process against one file database:

    DJANGO_ENV=test DATABASE_URL=sqlite:////tmp/w.sqlite3 python -m tests.worker.scenario STEP …

Each step prints one JSON line (the database's state after it) for the test to assert on.
Time is controlled: ``tick`` and ``later`` run the worker at a time the test chooses.
"""

import json
import sys
import time
from datetime import datetime, timedelta
from typing import Any

import django

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def setup() -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from connectors_ui.catalogue.sync import catalogue_refresh
    from sandbox.backend import load_catalogue
    from sandbox.catalogue import small_catalogue

    call_command("migrate", verbosity=0)
    load_catalogue(small_catalogue(), replace=True)
    catalogue_refresh(trigger="test")
    editor = User.objects.create_user("worker-editor", password="x")
    editor.groups.add(Group.objects.get(name="editor"))


def tick(worker_id: str, at: str, start_at: str) -> None:
    """One worker tick at time ``at``, started at wall-clock ``start_at`` (both workers of a
    race wait for the same instant)."""
    from worker.runner import WorkerLoop

    time.sleep(max(0.0, datetime.fromisoformat(start_at).timestamp() - time.time()))
    WorkerLoop(worker_id=worker_id, interval=0).run_once(now=datetime.fromisoformat(at))


def slow_write() -> None:
    """Queue a disable of BNP Paribas that Powens will take 30 s to answer."""
    from sandbox import faults
    from tests.worker.jobs import disable_connector

    faults.inject("latency", endpoint="E3", method="PUT", delay_ms=30_000)
    disable_connector.enqueue(uuid=BNP, username="worker-editor", reason="bank outage")


def later(minutes: str) -> None:
    """Powens answers again; a worker ticks ``minutes`` from now (the dead worker's heartbeat
    and the intent's in-flight window have run out)."""
    from django.utils import timezone

    from sandbox import faults
    from worker.runner import WorkerLoop

    faults.clear()
    now = timezone.now() + timedelta(minutes=int(minutes))
    timezone.now = lambda: now  # every "now" of this process: controlled time
    WorkerLoop(worker_id="later-worker", interval=0).run_once()


def state() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from audit.models import AuditEntry
    from audit.selectors import with_current_outcome
    from sandbox.backend import get_connector
    from worker.models import PeriodicRun

    changes = with_current_outcome(AuditEntry.objects.exclude(connector_uuid="")).order_by("seq")
    return {
        "runs": sorted([r.job, r.worker_id] for r in PeriodicRun.objects.all()),
        "tasks": sorted(
            [t.task_path.rsplit(".", 1)[1], t.status] for t in DBTaskResult.objects.all()
        ),
        "changes": [[e.connector_uuid, e.action, e.current_outcome] for e in changes],
        "bnp_hidden": get_connector(BNP)["hidden"],
    }


STEPS = {"setup": setup, "tick": tick, "slow_write": slow_write, "later": later, "state": None}


if __name__ == "__main__":
    django.setup()
    step, *args = sys.argv[1:]
    if STEPS[step] is not None:
        STEPS[step](*args)
    print(json.dumps(state(), default=str))
