"""The worker's own periodic job: forget what no longer matters (claimed slots, the heartbeats
of workers long gone, finished task results past ``WORKER_RESULTS_KEEP_DAYS``, those of
periodic jobs past a day)."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from worker.models import PeriodicRun, WorkerHeartbeat
from worker.periodic import periodic_jobs


@task
def worker_housekeeping() -> dict[str, int]:
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    kept_since = now - timedelta(days=settings.WORKER_RESULTS_KEEP_DAYS)
    slots, _ = PeriodicRun.objects.filter(claimed_at__lt=day_ago).delete()
    gone, _ = WorkerHeartbeat.objects.filter(seen_at__lt=day_ago).delete()
    finished = DBTaskResult.objects.finished()
    results, _ = finished.filter(finished_at__lt=kept_since).delete()
    # A job every second leaves 86,400 results a day: a periodic job's are kept for a day only
    # (its slots say when it ran, its own records say what it did).
    jobs = {job.task_path for job in periodic_jobs()}
    periodic, _ = finished.filter(task_path__in=jobs, finished_at__lt=day_ago).delete()
    return {"slots": slots, "heartbeats": gone, "results": results + periodic}
