"""The worker's entry point (``django.tasks``), enqueued by the periodic trigger
(``PERIODIC_JOBS`` in settings): a thin wrapper around the delivery service."""

from dataclasses import asdict

from django.tasks import task

from notify.delivery import webhook_deliveries_run_due


@task
def webhook_deliveries_run_due_task() -> dict[str, int]:
    """Deliver the due webhook messages; returns how many were sent, retried, dead-lettered."""
    return asdict(webhook_deliveries_run_due())
