"""The worker loop: each tick beats, fails the tasks of dead workers, claims the periodic
jobs that are due and runs the tasks that are ready, then sleeps ``interval`` seconds if it
found nothing to do.

Tasks are claimed and run by django-tasks-db's own code (``get_locked`` + ``claim`` under an
exclusive transaction, ``Worker.run_task`` recording the result); its ``db_worker`` command
alone has no periodic trigger and no heartbeat, hence this loop. ``run_once`` is one tick,
for tests and ``run_worker --once``.

Stopping: the first SIGINT/SIGTERM lets the running task finish and exits; a second one
interrupts it (the task is recorded failed; an audit intent it sealed stays ``pending`` until
the reconcile job resolves it).
"""

import logging
import signal
import threading
from datetime import datetime
from types import FrameType

from django.db import OperationalError, close_old_connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from worker.heartbeat import HeartbeatThread, heartbeat_beat, heartbeat_forget, tasks_fail_lost
from worker.periodic import periodic_enqueue_due

logger = logging.getLogger("worker")


class WorkerLoop:
    def __init__(
        self,
        *,
        worker_id: str,
        interval: float = 1.0,
        queue_names: tuple[str, ...] = ("default",),
        backend_name: str = "default",
        tasks_per_tick: int = 20,
    ) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.queue_names = list(queue_names)
        self.backend_name = backend_name
        self.tasks_per_tick = tasks_per_tick
        self.stopping = threading.Event()
        # django-tasks-db's worker, used only to run one claimed task and record its result.
        self._runner = Worker(
            queue_names=self.queue_names,
            interval=0,
            batch=True,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def run_once(self, *, now: datetime | None = None) -> int:
        """One tick; returns how many tasks it ran."""
        heartbeat_beat(self.worker_id, now=now)
        tasks_fail_lost(now=now)
        periodic_enqueue_due(worker_id=self.worker_id, now=now)
        ran = 0
        while ran < self.tasks_per_tick and not self.stopping.is_set():
            task = self._claim_next()
            if task is None:
                break
            self._runner.run_task(task)
            ran += 1
        return ran

    def _claim_next(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        try:
            with exclusive_transaction(ready.db):
                task = ready.get_locked()
                if task is not None:
                    task.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):  # SQLite busy: try at the next tick
                return None
            raise
        return task

    def run_forever(self, *, handle_signals: bool = True) -> None:
        """Tick until asked to stop; the heartbeat thread keeps the worker alive meanwhile.

        ``handle_signals=False`` under the autoreloader, which runs this in a thread of its
        own: there Ctrl+C ends the process at once (a running task is interrupted)."""
        if handle_signals:
            self._handle_signals()
        beat = HeartbeatThread(self.worker_id)
        logger.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        try:
            heartbeat_beat(self.worker_id)
            beat.start()
            while not self.stopping.is_set():
                close_old_connections()
                if self.run_once() == 0:
                    self.stopping.wait(self.interval)
        finally:
            beat.stopped.set()
            beat.join(timeout=5)
            heartbeat_forget(self.worker_id)
            logger.info("worker %s stopped", self.worker_id)

    def _handle_signals(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():
            logger.warning("second %s: interrupting the running task", signal.strsignal(signum))
            raise KeyboardInterrupt
        logger.warning("%s: stopping after the running task", signal.strsignal(signum))
        self.stopping.set()
