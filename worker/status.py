"""Whether background work can happen now, for the page banner and ``/health/``.

Only a database-backed queue needs a worker: with the framework's immediate backend (tests,
a one-process setup) enqueued work runs at once and there is nothing to warn about."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from worker.heartbeat import workers_alive

_PAGE_CACHE_KEY = "worker:status"


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


def worker_status_for_pages() -> WorkerStatus:
    """``worker_status`` as the page banner shows it: read at most once every
    ``WORKER_STATUS_PAGE_SECONDS`` per process (its two queries were half a list page's), as
    a heartbeat itself only tells within ``WORKER_HEARTBEAT_TIMEOUT``. ``/health/`` reads it
    live."""
    status = cache.get(_PAGE_CACHE_KEY)
    if status is None:
        status = worker_status()
        cache.set(_PAGE_CACHE_KEY, status, settings.WORKER_STATUS_PAGE_SECONDS)
    return status


def worker_status() -> WorkerStatus:
    """Two small queries when a worker is needed, none otherwise."""
    if not uses_worker():
        return WorkerStatus(needed=False)
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    return WorkerStatus(needed=True, alive=workers_alive().count(), waiting=waiting)
