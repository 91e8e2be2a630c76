"""Fixtures for the freshness tests: refreshes queued for the worker and not run yet, as
when a page has just queued one."""

import pytest

from worker.runner import WorkerLoop


@pytest.fixture
def queued_refresh(task_worker, settings) -> WorkerLoop:
    """Automatic refreshes on, queued in the database; ``finish_refresh(queued_refresh)``
    runs the worker so the queued refresh runs to the end."""
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    return task_worker


def finish_refresh(worker: WorkerLoop) -> None:
    assert worker.run_once() >= 1
