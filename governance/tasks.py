"""The worker's entry points (``django.tasks``): thin wrappers, enqueued by the periodic trigger
(``PERIODIC_JOBS`` in settings), around the services that hold the rules. Arguments and results
are JSON: a task may run in another process, on another host."""

from django.tasks import task

from governance.requests import change_requests_expire
from governance.schedules import scheduled_steps_run_due


@task
def scheduled_steps_run_due_task() -> int:
    """Run the steps due now; returns how many this worker ran (or skipped)."""
    return len(scheduled_steps_run_due())


@task
def change_requests_expire_task() -> int:
    """Expire the requests past their time; returns how many."""
    return change_requests_expire()
