"""Health checks for ``/health/``: app, database, Powens reachability.

Each check answers a fixed word, never an error text, so the endpoint (open to anyone, e.g. a
load balancer) leaks no configuration: no URL, domain, token or exception message.
"""

import logging

from django.core.cache import cache
from django.db import connection

from connectors_ui.powens import get_client

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
    """ "ok" when Powens (or the sandbox) answered a connector list recently, else "unreachable"."""
    status = cache.get(POWENS_CACHE_KEY)
    if status is None:
        status = _probe_powens()
        cache.set(POWENS_CACHE_KEY, status, POWENS_CACHE_SECONDS)
    return status


def _probe_powens() -> str:
    try:
        get_client().list_connectors()
    except Exception as error:  # any failure means "not usable now"; the reason is logged only.
        logger.warning("health: Powens unreachable (%s)", type(error).__name__)
        return "unreachable"
    return "ok"


def health_report() -> tuple[dict[str, object], bool]:
    """The JSON body and whether the app can serve (the database is the hard dependency).

    Powens being down degrades the dashboard (stale catalogue, no changes) but pages still
    render from the local copy, so it does not make the app unhealthy.
    """
    checks = {"app": "ok", "database": database_status(), "powens": powens_status()}
    healthy = checks["database"] == "ok"
    overall = "ok" if healthy and checks["powens"] == "ok" else ("degraded" if healthy else "error")
    return {"status": overall, "checks": checks}, healthy
