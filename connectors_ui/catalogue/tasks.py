"""The catalogue's worker entry points (``django.tasks``), enqueued by the periodic trigger
(``PERIODIC_JOBS`` in settings): thin wrappers around the services, JSON in and out."""

from django.tasks import task
from django.utils import timezone

from connectors_ui.catalogue.drift import domain_drift_check


@task
def domain_drift_check_task() -> int | None:
    """Compare the ``DRIFT_PAIR`` domains; returns the id of the "drift detected" entry it
    recorded, or None when nothing was new."""
    entry = domain_drift_check(now=timezone.now())
    return entry.pk if entry is not None else None
