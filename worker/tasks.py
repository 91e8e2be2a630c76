"""The worker's own periodic job: forget what no longer matters (claimed slots, the heartbeats
of workers long gone, finished task results past ``WORKER_RESULTS_KEEP_DAYS``)."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from worker.models import PeriodicRun, WorkerHeartbeat


@task
def worker_housekeeping() -> dict[str, int]:
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    kept_since = now - timedelta(days=settings.WORKER_RESULTS_KEEP_DAYS)
    slots, _ = PeriodicRun.objects.filter(claimed_at__lt=day_ago).delete()
    gone, _ = WorkerHeartbeat.objects.filter(seen_at__lt=day_ago).delete()
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=kept_since).delete()
    return {"slots": slots, "heartbeats": gone, "results": results}
