"""Fixtures of the worker tests: the change tests' catalogue (for the jobs that resolve changes),
and a file database set up for real worker processes."""

import os
from pathlib import Path

import pytest

from tests.changes.conftest import bnp, local_copy  # noqa: F401 - fixtures
from tests.worker.test_real_worker import scenario


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "powens_admin.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        "TASKS_QUEUE": "database",
    }
    scenario(env, "setup")
    return env
