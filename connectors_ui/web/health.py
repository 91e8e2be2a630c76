"""Health checks for ``/health/``: app, database, Powens reachability, background worker.

Each check answers a fixed word, never an error text, so the endpoint (open to anyone, e.g. a
load balancer) leaks no configuration: no URL, domain, token or exception message.
"""

import logging

from django.core.cache import cache
from django.db import connection

from connectors_ui.models import CatalogueConnector
from connectors_ui.powens import get_client
from worker.status import worker_status

logger = logging.getLogger(__name__)

POWENS_CACHE_KEY = "health:powens"
# Cached so that a busy prober never eats into the Powens rate limit (30 calls/min on a
# sandbox domain): at most one probe a minute per process.
POWENS_CACHE_SECONDS = 60


def database_status() -> str:
    """ "ok" when a trivial query round-trips."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health: database check failed")
        return "error"
    return "ok"


def powens_status() -> str:
    """ "ok" when Powens (or the sandbox) answered a probe recently, else "unreachable"."""
    status = cache.get(POWENS_CACHE_KEY)
    if status is None:
        status = _probe_powens()
        cache.set(POWENS_CACHE_KEY, status, POWENS_CACHE_SECONDS)
    return status


def _probe_powens() -> str:
    """One connector the local copy knows, read back (E2: a few hundred bytes); the whole
    list (E1, megabytes on a real domain) only while the copy is empty."""
    shown = CatalogueConnector.objects.filter(removed_at=None, hidden=False).order_by("pk")
    try:
        if uuid := shown.values_list("uuid", flat=True).first():
            get_client().get_connector(uuid)
        else:
            get_client().list_connectors()
    except Exception as error:  # any failure means "not usable now"; the reason is logged only.
        logger.warning("health: Powens unreachable (%s)", type(error).__name__)
        return "unreachable"
    return "ok"


def worker_check() -> str:
    """ "ok" when a worker is alive, "missing" when none is (queued work waits), "not_used"
    when tasks run in-process; "unknown" when the database could not say."""
    try:
        status = worker_status()
    except Exception:
        logger.exception("health: worker check failed")
        return "unknown"
    if not status.needed:
        return "not_used"
    return "missing" if status.missing else "ok"


def health_report() -> tuple[dict[str, object], bool]:
    """The JSON body and whether the app can serve (the database is the hard dependency).

    Powens being down, or no background worker, degrades the dashboard (stale catalogue, no
    changes, queued work waiting) but pages still render from the local copy, so neither
    makes the app unhealthy.
    """
    checks = {"app": "ok", "database": database_status(), "powens": powens_status()}
    checks["worker"] = worker_check() if checks["database"] == "ok" else "unknown"
    healthy = checks["database"] == "ok"
    fine = checks["powens"] == "ok" and checks["worker"] in ("ok", "not_used")
    overall = "ok" if healthy and fine else ("degraded" if healthy else "error")
    return {"status": overall, "checks": checks}, healthy
