"""Heartbeats: pages and /health/ say when no worker is alive; queued work waits (nothing is
lost); the task of a worker that died is marked failed, not re-run blindly."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.worker import jobs
from tests.worker.jobs import note_run
from worker.heartbeat import heartbeat_beat, heartbeat_forget
from worker.models import WorkerHeartbeat
from worker.runner import WorkerLoop

pytestmark = pytest.mark.django_db
BANNER = 'id="worker-missing"'
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def no_worker(settings):
    settings.TASKS = DATABASE_TASKS
    settings.PERIODIC_JOBS = {}
    settings.WORKER_STATUS_PAGE_SECONDS = 0  # each page reads it (see the last test)
    cache.clear()  # the health probe's cached Powens answer


def test_without_a_live_worker_pages_say_so_and_queued_work_waits(viewer_client, no_worker):
    note_run.enqueue()
    html = viewer_client.get("/audit/").content.decode()
    assert BANNER in html and "(1 task queued)" in html and "nothing is lost" in html
    assert DBTaskResult.objects.get().status == "READY"
    jobs.RUNS.clear()
    WorkerLoop(worker_id="late", interval=0).run_once()  # a worker starts: the work runs
    assert jobs.RUNS == ["ran"] and DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert BANNER not in viewer_client.get("/audit/").content.decode()


def test_a_worker_silent_past_the_timeout_counts_as_gone(viewer_client, no_worker, settings):
    recently = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_TIMEOUT - 5)
    heartbeat_beat("w1", now=recently)
    assert BANNER not in viewer_client.get("/audit/").content.decode()
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    assert BANNER in viewer_client.get("/audit/").content.decode()
    heartbeat_beat("w1")
    heartbeat_forget("w1")  # a clean exit: gone at once
    assert BANNER in viewer_client.get("/audit/").content.decode()


def test_no_banner_when_tasks_run_in_process(viewer_client):
    assert BANNER not in viewer_client.get("/audit/").content.decode()


def test_health_reports_the_worker(anon_client, no_worker, small_sandbox):
    body = anon_client.get("/health/").json()
    assert body["checks"]["worker"] == "missing" and body["status"] == "degraded"
    heartbeat_beat("w1")
    body = anon_client.get("/health/").json()
    assert body == {
        "status": "ok",
        "checks": {"app": "ok", "database": "ok", "powens": "ok", "worker": "ok"},
    }


def test_the_running_task_of_a_dead_worker_is_marked_failed(no_worker, settings):
    dead, alive = note_run.enqueue().db_result, note_run.enqueue().db_result
    long_ago = timezone.now() - timedelta(minutes=10)
    heartbeat_beat("dead", now=long_ago)
    heartbeat_beat("alive")
    dead.claim("dead")
    alive.claim("alive")
    jobs.RUNS.clear()
    WorkerLoop(worker_id="alive", interval=0).run_once()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "FAILED" and "WorkerLost" in dead.exception_class_path
    assert alive.status == "RUNNING"  # its worker is alive: still its own
    assert jobs.RUNS == []  # never re-run: it may have been half way through a write


def test_pages_read_the_worker_status_once_per_period(viewer_client, no_worker, settings):
    """Two queries a page were half a list page's: a process reuses the banner's status for
    WORKER_STATUS_PAGE_SECONDS, /health/ reads it live."""
    settings.WORKER_STATUS_PAGE_SECONDS = 60
    assert BANNER in viewer_client.get("/audit/").content.decode()
    heartbeat_beat("w1")
    with CaptureQueriesContext(connection) as queries:
        assert BANNER in viewer_client.get("/audit/").content.decode()  # within the period
    assert not [q for q in queries if "workerheartbeat" in q["sql"]]
    assert viewer_client.get("/health/").json()["checks"]["worker"] == "ok"
    cache.clear()  # the period is over
    assert BANNER not in viewer_client.get("/audit/").content.decode()
