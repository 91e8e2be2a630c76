"""The periodic trigger: each job of ``settings.PERIODIC_JOBS`` runs once per slot, however
many workers run, on SQLite and on PostgreSQL.

``PERIODIC_JOBS = {"<name>": {"task": "<dotted path of a django.tasks @task>",
"every_seconds": N}}``. Time is cut into slots of N seconds (aligned on the Unix epoch, so
every worker computes the same slot). On each tick a worker inserts a ``PeriodicRun`` row for
every job whose current slot has none, and enqueues the job's task in the same transaction;
the unique (job, due_at) constraint lets exactly one insert through. The task is called with
no arguments.

Only the current slot is claimed: after an outage (no worker for an hour) a job runs once,
not once per missed slot. Every job must therefore do "what is due now" (refresh if stale,
resolve what is unresolved, apply the steps whose time has come), never "the work of slot N".
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from worker.models import PeriodicRun

logger = logging.getLogger("worker")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every_seconds: int

    @property
    def task(self) -> Task:
        task = import_string(self.task_path)
        if not isinstance(task, Task):
            raise TypeError(f"{self.task_path} is not a django.tasks task.")
        return task

    def slot(self, now: datetime) -> datetime:
        """The start of the slot ``now`` falls in."""
        start = int(now.timestamp()) // self.every_seconds * self.every_seconds
        return datetime.fromtimestamp(start, tz=UTC)


def periodic_jobs() -> list[PeriodicJob]:
    """The configured jobs (the system check in ``worker.checks`` validates them)."""
    configured: dict[str, dict[str, Any]] = settings.PERIODIC_JOBS
    return [
        PeriodicJob(name, str(job["task"]), int(job["every_seconds"]))
        for name, job in configured.items()
    ]


def periodic_enqueue_due(*, worker_id: str, now: datetime | None = None) -> list[str]:
    """Claim and enqueue every job whose current slot is unclaimed; returns the names of the
    jobs this worker enqueued (the others were not due, or another worker won the slot)."""
    now = now or timezone.now()
    due = {job.name: (job, job.slot(now)) for job in periodic_jobs()}
    claimed = set(
        PeriodicRun.objects.filter(
            job__in=due, due_at__in={slot for _, slot in due.values()}
        ).values_list("job", "due_at")
    )
    enqueued = []
    for name, (job, slot) in due.items():
        if (name, slot) not in claimed and _claim(job, slot, worker_id=worker_id, now=now):
            enqueued.append(name)
    return enqueued


def _claim(job: PeriodicJob, slot: datetime, *, worker_id: str, now: datetime) -> bool:
    """Insert the slot's row and enqueue the task, together or not at all; False when another
    worker's insert won."""
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(
                job=job.name, due_at=slot, claimed_at=now, worker_id=worker_id
            )
            result = job.task.enqueue()
            run.task_id = str(result.id)[:64]
            run.save(update_fields=["task_id"])
    except IntegrityError:
        return False
    logger.info("periodic job %s enqueued for %s", job.name, slot.isoformat())
    return True
