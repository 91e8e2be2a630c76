"""Which worker processes are alive, and what happens to the tasks of one that died.

A worker renews its ``WorkerHeartbeat`` every ``WORKER_HEARTBEAT_SECONDS`` from a thread of
its own, so a long task does not make it look dead; one not seen for
``WORKER_HEARTBEAT_TIMEOUT`` seconds is dead (killed, host gone). A clean exit deletes its row.

A task a dead worker was running is marked failed (``WorkerLost``), never re-run blindly: it
may have been half way through a write to Powens. Its audit intent stays ``pending`` and the
reconcile job resolves it from Powens' real state; a periodic job simply runs again at its next
slot.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from worker.models import WorkerHeartbeat

logger = logging.getLogger("worker")


class WorkerLost(Exception):
    """The worker running this task stopped sending its heartbeat (killed, or its host died)."""


def _cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.WORKER_HEARTBEAT_TIMEOUT)


def heartbeat_beat(worker_id: str, *, now: datetime | None = None) -> None:
    """Say this worker is alive (creating its row at the first beat)."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )


def heartbeat_forget(worker_id: str) -> None:
    """A clean exit: the worker is gone at once, not after the timeout."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def workers_alive(*, now: datetime | None = None) -> QuerySet[WorkerHeartbeat]:
    return WorkerHeartbeat.objects.filter(seen_at__gte=_cutoff(now))


def tasks_fail_lost(*, now: datetime | None = None) -> int:
    """Mark failed the running tasks whose worker is dead; returns how many."""
    alive = set(workers_alive(now=now).values_list("worker_id", flat=True))
    lost = [
        task
        for task in DBTaskResult.objects.running()
        if not task.worker_ids or task.worker_ids[-1] not in alive
    ]
    for task in lost:
        task.set_failed(WorkerLost(f"Worker {task.worker_ids[-1:]} stopped during this task."))
        logger.warning("task %s (%s) failed: its worker is gone", task.pk, task.task_path)
    return len(lost)


class HeartbeatThread(threading.Thread):
    """Renews the heartbeat while the main thread runs tasks; a failed beat (database busy or
    down) is logged and tried again at the next one."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    heartbeat_beat(self.worker_id)
                except DatabaseError as error:
                    logger.warning("heartbeat failed: %s", type(error).__name__)
        finally:
            connection.close()
