"""Whether background work can happen now, for the page banner and ``/health/``, and whether
a task is already waiting (so a page does not queue a second refresh behind the first).

Only a database-backed queue needs a worker: with the framework's immediate backend (tests,
a one-process setup) enqueued work runs at once and there is nothing to warn about."""

from dataclasses import dataclass

from django.tasks import Task, TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from worker.heartbeat import workers_alive


@dataclass(frozen=True)
class WorkerStatus:
    needed: bool
    alive: int = 0
    waiting: int = 0

    @property
    def missing(self) -> bool:
        """No worker alive although the queue needs one: queued work waits (nothing is lost)."""
        return self.needed and self.alive == 0


def uses_worker(backend: str = "default") -> bool:
    """Whether tasks sent to ``backend`` wait in the database for a worker."""
    return isinstance(task_backends[backend], DatabaseBackend)


def worker_status() -> WorkerStatus:
    """Two small queries when a worker is needed, none otherwise."""
    if not uses_worker():
        return WorkerStatus(needed=False)
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    return WorkerStatus(needed=True, alive=workers_alive().count(), waiting=waiting)


def task_waiting(task: Task) -> bool:
    """Whether ``task`` is queued or running already (always False without a queue)."""
    if not uses_worker(task.backend):
        return False
    statuses = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=statuses).exists()
