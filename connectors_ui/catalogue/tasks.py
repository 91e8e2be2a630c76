"""Catalogue refreshes as background tasks (``django.tasks``, run by ``manage.py run_worker``):
the one a page finding the copy stale or the Refresh button queues, and the periodic job that
keeps the copy fresh even when nobody looks. No request ever refreshes in a thread of its own."""

from dataclasses import replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from connectors_ui.catalogue.drift import domain_drift_check
from connectors_ui.catalogue.lease import refresh_queued_mark
from connectors_ui.catalogue.selectors import CatalogueStatus, catalogue_status
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.context import current_domain_name, domain_scope
from connectors_ui.domains.registry import default_domain, domains
from connectors_ui.models import CatalogueSync


@task
def catalogue_refresh_task(*, trigger: str, actor_id: int | None = None, domain: str = "") -> int:
    """Refresh ``domain``'s copy now ("" = the default domain); returns the attempt's
    ``CatalogueSync`` id (its record says how it went)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with domain_scope(domain or default_domain().name):
        return catalogue_refresh(trigger=trigger, actor=actor).pk


@task
def catalogue_refresh_when_stale() -> list[int]:
    """The periodic job, for each domain: refresh when its copy is older than
    ``CATALOGUE_REFRESH_INTERVAL``, unless automatic refresh is off or its last attempt failed
    less than ``CATALOGUE_RETRY_AFTER`` seconds ago (an outage is not hammered). Returns the
    attempts' ids."""
    done = []
    for domain in domains():
        with domain_scope(domain.name):
            if _due(catalogue_status()):
                done.append(catalogue_refresh(trigger=CatalogueSync.Trigger.AUTO).pk)
    return done


def _due(status: CatalogueStatus) -> bool:
    """Whether an automatic refresh should start now."""
    retry_at: datetime | None = status.retry_at
    return (
        status.auto_refresh
        and not status.refreshing
        and status.is_stale
        and (retry_at is None or retry_at <= timezone.now())
    )


def catalogue_refresh_if_stale(status: CatalogueStatus | None = None) -> CatalogueStatus:
    """Queue a refresh when the copy is stale, without making the caller wait; returns the
    status the page should show: ``refreshing`` while a refresh is queued or running,
    including the one this call just queued (so the banner polls until it ends). Costs no
    query beyond the state row's: a queued refresh is noted there.

    ``CATALOGUE_AUTO_REFRESH`` = "worker" (default) or "off" (tests, so unrelated tests never
    refresh behind their back). After a failure, wait ``CATALOGUE_RETRY_AFTER`` seconds
    before trying again. With the immediate backend (tests) the refresh runs right here.
    """
    if status is None:
        status = catalogue_status()
    if not _due(status):
        return status
    if catalogue_refresh_enqueue(trigger=CatalogueSync.Trigger.AUTO) is not None:
        return catalogue_status()
    return replace(status, refreshing=True, queued=True)


def catalogue_refresh_enqueue(*, trigger: str, actor_id: int | None = None) -> int | None:
    """Queue a refresh of the current domain, noted on its state row first (so pages say
    "refreshing" until it starts, and a queue that runs it at once clears the note); returns
    its ``CatalogueSync`` id when it has run already (the framework's immediate backend)."""
    refresh_queued_mark()
    result = catalogue_refresh_task.enqueue(
        trigger=trigger, actor_id=actor_id, domain=current_domain_name()
    )
    return result.return_value if result.is_finished else None


@task
def domain_drift_check_task() -> dict[str, int] | None:
    """Compare the drift pair (``catalogue.drift``); returns the run's counts, or None when no
    run was stored (the check is off, a copy not loaded yet, or a racing run won)."""
    run = domain_drift_check(now=timezone.now())
    if run is None:
        return None
    return {"number": run.number, "total": run.total, "new": run.new_count}
