"""Login throttling against password guessing.

``LOGIN_THROTTLE_FAILURES`` failed sign-ins for one username from one address within
``LOGIN_THROTTLE_WINDOW`` seconds lock that pair out for ``LOGIN_THROTTLE_LOCKOUT`` seconds.
While locked, the password is not even checked, so guessing gains nothing. Keyed by username
*and* address so that an attacker elsewhere cannot lock a colleague out of their own desk.

Enforced in the authentication backend, so every sign-in form (ours and Django admin's) is
covered; the login view only adds the explanation. Counts live in a database cache (the
``throttle`` alias), shared by every worker process; ``post_migrate`` creates its table.
"""

import hashlib
import ipaddress
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest

logger = logging.getLogger("connectors_ui.security")
CACHE_ALIAS = "throttle"


def client_address(request: HttpRequest | None) -> str:
    """REMOTE_ADDR only: forwarded headers are set by the client and would defeat the lock."""
    try:
        return str(ipaddress.ip_address((request.META if request else {}).get("REMOTE_ADDR", "")))
    except ValueError:
        return "unknown"


def _key(kind: str, username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().casefold()}|{address}".encode()).hexdigest()
    return f"login:{kind}:{digest}"


def lockout_remaining(username: str, address: str) -> int:
    """Seconds left on the lock of this username from this address (0 = not locked)."""
    until = caches[CACHE_ALIAS].get(_key("lock", username, address))
    return max(0, int(until - time.time())) if until else 0


def record_failure(username: str, address: str) -> bool:
    """Count one failed sign-in; True when it locked the pair out."""
    cache = caches[CACHE_ALIAS]
    key = _key("fail", username, address)
    now = time.time()
    # A read-modify-write: on SQLite the IMMEDIATE transaction serialises it.
    with transaction.atomic():
        count, started = cache.get(key) or (0, now)
        count += 1
        remaining_window = settings.LOGIN_THROTTLE_WINDOW - (now - started)
        if remaining_window <= 0:
            count, started, remaining_window = 1, now, settings.LOGIN_THROTTLE_WINDOW
        if count < settings.LOGIN_THROTTLE_FAILURES:
            cache.set(key, (count, started), timeout=max(1, int(remaining_window)))
            return False
        cache.delete(key)
        lockout = settings.LOGIN_THROTTLE_LOCKOUT
        cache.set(_key("lock", username, address), now + lockout, timeout=lockout)
    logger.warning("sign-in locked for %d s after %d failures", lockout, count)
    return True


def clear_failures(username: str, address: str) -> None:
    caches[CACHE_ALIAS].delete(_key("fail", username, address))


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing locked-out pairs and counting failures.

    Without a request (``Client.login``, management commands) there is no address to key on,
    so nothing is throttled.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None or not username:
            return super().authenticate(request, username=username, password=password, **kwargs)
        address = client_address(request)
        if lockout_remaining(username, address):
            # PermissionDenied stops Django from trying any other backend.
            raise PermissionDenied("Too many failed sign-ins.")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, address)
        else:
            clear_failures(username, address)
        return user


def ensure_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: create the throttle's cache table (idempotent) with the other tables."""
    call_command("createcachetable", database=using, verbosity=0)
