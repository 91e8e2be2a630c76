"""``make run``'s launcher: one command starts the web server and a worker; Ctrl+C (SIGINT
to the whole process group, as a terminal sends it) stops both."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)


def _health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:
            return json.loads(answer.read())
    except OSError:
        return None


def _group_ends(group: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_run_dev_serves_with_a_live_worker_and_ctrl_c_stops_both(worker_env, free_tcp_port):
    launcher = subprocess.Popen(
        [sys.executable, "manage.py", "run_dev", f"127.0.0.1:{free_tcp_port}"],
        cwd=settings.BASE_DIR,
        env={**worker_env, "DJANGO_ENV": "development"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            body = _health(free_tcp_port)
            if body and body["checks"]["worker"] == "ok":
                break
            time.sleep(0.5)
        assert body and body["checks"]["worker"] == "ok", body
        os.killpg(launcher.pid, signal.SIGINT)
        assert launcher.wait(timeout=45) == 0
        assert _health(free_tcp_port) is None  # the server is gone
        assert _group_ends(launcher.pid), "a process of the group (the worker?) kept running"
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
