"""The background work's settings (worker/): which task backend queues, and the periodic jobs.

Kept apart from settings.py because the job table is long and only the worker reads it; the
knobs that come from the environment are passed in, so settings.py still names every variable.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}


def tasks_setting(queue: str) -> dict[str, dict[str, Any]]:
    """Django's ``TASKS`` for ``TASKS_QUEUE``: the database (a worker runs them) or at once."""
    if queue not in _TASK_BACKENDS:
        raise ImproperlyConfigured("TASKS_QUEUE must be database or immediate.")
    return {"default": {"BACKEND": _TASK_BACKENDS[queue], "QUEUES": ["default"]}}


def heartbeat_timeout_check(timeout: int, beat: int) -> int:
    """``WORKER_HEARTBEAT_TIMEOUT`` if it leaves room for a few missed beats."""
    if timeout < 3 * beat:
        raise ImproperlyConfigured(f"WORKER_HEARTBEAT_TIMEOUT must be at least {3 * beat} seconds.")
    return timeout


def _job(task: str, every_seconds: int) -> dict[str, Any]:
    return {"task": task, "every_seconds": every_seconds}


def periodic_jobs(*, drift_check_seconds: int) -> dict[str, dict[str, Any]]:
    """Jobs the worker enqueues once per slot of every_seconds, however many workers run
    (worker.periodic). Each is a django.tasks @task taking no arguments that does what is due."""
    return {
        "catalogue-refresh": _job("connectors_ui.catalogue.tasks.catalogue_refresh_when_stale", 60),
        "audit-reconcile": _job("connectors_ui.changes.tasks.changes_reconcile", 300),
        "change-expiries": _job("connectors_ui.changes.tasks.changes_expire", 300),
        "worker-housekeeping": _job("worker.tasks.worker_housekeeping", 3600),
        "scheduled_steps_run_due": _job("governance.tasks.scheduled_steps_run_due_task", 1),
        "change_requests_expire": _job("governance.tasks.change_requests_expire_task", 60),
        "domain_drift_check": _job(
            "connectors_ui.catalogue.tasks.domain_drift_check_task", drift_check_seconds
        ),
        "webhook_deliveries_run_due": _job("notify.tasks.webhook_deliveries_run_due_task", 5),
    }
