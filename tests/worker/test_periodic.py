"""The periodic trigger: each due job is enqueued once per slot, whichever worker claims it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.checks import run_checks
from django_tasks_db.models import DBTaskResult

from tests.worker import jobs
from worker.models import PeriodicRun
from worker.periodic import _claim, periodic_enqueue_due, periodic_jobs
from worker.runner import WorkerLoop

pytestmark = pytest.mark.django_db
NOTE = {"note": {"task": "tests.worker.jobs.note_run", "every_seconds": 60}}
T0 = datetime(2026, 3, 28, 10, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def only_test_jobs(settings):
    settings.PERIODIC_JOBS = NOTE
    jobs.RUNS.clear()


def test_a_due_job_runs_once_per_slot_however_often_workers_tick(task_worker):
    other = WorkerLoop(worker_id="other-worker", interval=0)
    task_worker.run_once(now=T0)
    other.run_once(now=T0 + timedelta(seconds=30))  # same slot: nothing to claim
    task_worker.run_once(now=T0 + timedelta(seconds=54))
    assert jobs.RUNS == ["ran"]
    run = PeriodicRun.objects.get()
    assert (run.job, run.due_at, run.worker_id) == ("note", T0.replace(second=0), "test-worker")
    result = DBTaskResult.objects.get()
    assert str(result.id) == run.task_id and result.status == "SUCCESSFUL"
    other.run_once(now=T0 + timedelta(seconds=60))  # the next slot
    assert jobs.RUNS == ["ran", "ran"]
    assert PeriodicRun.objects.filter(worker_id="other-worker").count() == 1


def test_the_losing_insert_enqueues_nothing(task_worker):
    assert periodic_enqueue_due(worker_id="a", now=T0) == ["note"]
    # A worker that read "unclaimed" just before the winner committed: its insert fails.
    (job,) = periodic_jobs()
    assert _claim(job, job.slot(T0), worker_id="b", now=T0) is False
    assert DBTaskResult.objects.count() == 1 and PeriodicRun.objects.get().worker_id == "a"


def test_after_an_outage_a_job_runs_once_not_once_per_missed_slot(task_worker):
    task_worker.run_once(now=T0)
    task_worker.run_once(now=T0 + timedelta(hours=3))
    assert jobs.RUNS == ["ran", "ran"]


def test_a_claim_whose_enqueue_fails_is_not_kept(task_worker, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(type(jobs.note_run), "enqueue", broken)
    with pytest.raises(RuntimeError):
        periodic_enqueue_due(worker_id="a", now=T0)
    assert not PeriodicRun.objects.exists()  # the next tick claims the slot again


def test_with_the_immediate_backend_the_claimed_job_runs_at_once():
    assert periodic_enqueue_due(worker_id="web", now=T0) == ["note"]
    assert jobs.RUNS == ["ran"]
    assert periodic_enqueue_due(worker_id="web", now=T0) == []


def test_a_failing_job_is_recorded_and_the_worker_goes_on(task_worker, settings):
    settings.PERIODIC_JOBS = {
        "boom": {"task": "tests.worker.jobs.failing_job", "every_seconds": 60},
        **NOTE,
    }
    assert task_worker.run_once(now=T0) == 2
    failed = DBTaskResult.objects.get(task_path="tests.worker.jobs.failing_job")
    assert failed.status == "FAILED" and "RuntimeError: boom" in failed.traceback
    assert jobs.RUNS == ["ran"]


@pytest.mark.parametrize(
    ("jobs_setting", "error_id"),
    [
        ({"x": {"task": "tests.worker.jobs.note_run"}}, "worker.E001"),
        ({"x": {"task": "tests.worker.jobs.note_run", "every_seconds": 0}}, "worker.E003"),
        ({"x": {"task": "tests.worker.jobs.RUNS", "every_seconds": 5}}, "worker.E004"),
        ({"x": {"task": "no.such.task", "every_seconds": 5}}, "worker.E004"),
    ],
)
def test_a_bad_periodic_job_fails_the_system_check(settings, jobs_setting, error_id):
    settings.PERIODIC_JOBS = jobs_setting
    assert error_id in [message.id for message in run_checks()]


def test_the_configured_jobs_pass_the_check(settings):
    from powens_admin import settings as project

    settings.PERIODIC_JOBS = project.PERIODIC_JOBS
    assert not [m for m in run_checks() if m.id and m.id.startswith("worker.")]
