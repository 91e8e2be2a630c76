"""Real worker processes on a file database: two racing for the same due slot (each job runs
once), and one killed in the middle of a write to Powens (the intent is sealed; a later worker
marks the task failed and the reconcile job resolves the outcome from Powens' real state)."""

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from tests.worker.scenario import BNP

pytestmark = pytest.mark.django_db(transaction=True)


def scenario(env: dict[str, str], *step: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.worker.scenario", *step],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(env: dict[str, str], *step: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.worker.scenario", *step],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_racing_for_the_same_due_slot_run_each_job_once(worker_env):
    go = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
    racers = [start(worker_env, "tick", name, go, go) for name in ("worker-a", "worker-b")]
    for racer in racers:
        _, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err[-3000:]
    state = scenario(worker_env, "state")
    jobs = [job for job, _ in state["runs"]]
    assert sorted(jobs) == sorted(settings.PERIODIC_JOBS)  # one claim per job, no duplicate
    ran = [name for name, status in state["tasks"]]
    assert len(ran) == len(settings.PERIODIC_JOBS) and len(set(ran)) == len(ran)
    assert all(status == "SUCCESSFUL" for _, status in state["tasks"])


def _wait_for(env: dict[str, str], condition, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = scenario(env, "state")
        if condition(state):
            return state
        time.sleep(0.5)
    raise AssertionError(f"timed out; last state {state}")


def test_a_worker_killed_in_the_middle_of_a_write_leaves_a_sealed_intent_resolved_later(
    worker_env,
):
    scenario(worker_env, "slow_write")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--worker-id", "doomed"],
        cwd=settings.BASE_DIR,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        state = _wait_for(
            worker_env, lambda s: [BNP, "connector_disable", "pending"] in s["changes"]
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert ["disable_connector", "RUNNING"] in state["tasks"]  # killed mid-step
    after = scenario(worker_env, "later", "10")
    assert ["disable_connector", "FAILED"] in after["tasks"]  # marked lost, not re-run
    [change] = [c for c in after["changes"] if c[1] == "connector_disable"]
    expected = "succeeded" if after["bnp_hidden"] else "failed"
    assert change == [BNP, "connector_disable", expected]  # Powens' real state decides
    assert ["audit-reconcile", "later-worker"] in after["runs"]
