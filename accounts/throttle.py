"""Login throttling against password guessing.

``LOGIN_THROTTLE_FAILURES`` failed sign-ins for one username from one address within
``LOGIN_THROTTLE_WINDOW`` seconds lock that pair out for ``LOGIN_THROTTLE_LOCKOUT`` seconds.
While locked, the password is not even checked, so guessing gains nothing. Keyed by username
*and* address so that an attacker elsewhere cannot lock a colleague out of their own desk.
``LOGIN_THROTTLE_ADDRESS_FAILURES`` failures from one address, whatever the usernames, lock that
address out too, so trying a few guesses on many accounts gains nothing either.

The address is ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT`` proxies, the entry of
``X-Forwarded-For`` that the outermost of them added (the n-th from the right): entries further
left are whatever the client sent.

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
from django.dispatch import Signal
from django.http import HttpRequest

logger = logging.getLogger("connectors_ui.security")
CACHE_ALIAS = "throttle"
# Sent when failures start a lockout (username, scope, seconds, failures), for the audit log
# (accounts.sign_in_events); the attempts refused while it lasts are not each recorded.
locked_out = Signal()


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address as our trusted proxies saw it ("unknown" if not an address)."""
    meta = request.META if request is not None else {}
    candidate = meta.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [v.strip() for v in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [v for v in forwarded if v]
        # Fewer entries than proxies: the request did not come through them all.
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return "unknown"


def _key(kind: str, username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().casefold()}|{address}".encode()).hexdigest()
    return f"login:{kind}:{digest}"


def _counters(username: str, address: str) -> list[tuple[str, str, int, str]]:
    """(failure key, lock key, limit, what is locked) for the pair and for the address."""
    return [
        (
            _key("fail", username, address),
            _key("lock", username, address),
            settings.LOGIN_THROTTLE_FAILURES,
            "this username from this address",
        ),
        (
            _key("address-fail", "", address),
            _key("address-lock", "", address),
            settings.LOGIN_THROTTLE_ADDRESS_FAILURES,
            "every username from this address",
        ),
    ]


def lockout_remaining(username: str, address: str) -> int:
    """Seconds left on the lock of this username from this address, or of the address as a
    whole (0 = not locked)."""
    cache, now = caches[CACHE_ALIAS], time.time()
    locks = cache.get_many([lock for _, lock, _, _ in _counters(username, address)]).values()
    return max((max(0, int(until - now)) for until in locks if until), default=0)


def _count(fail_key: str, lock_key: str, limit: int, now: float) -> int:
    """Add one failure to a counter; the lockout it started in seconds, or 0."""
    cache = caches[CACHE_ALIAS]
    count, started = cache.get(fail_key) or (0, now)
    count += 1
    remaining_window = settings.LOGIN_THROTTLE_WINDOW - (now - started)
    if remaining_window <= 0:
        count, started, remaining_window = 1, now, settings.LOGIN_THROTTLE_WINDOW
    if count < limit:
        cache.set(fail_key, (count, started), timeout=max(1, int(remaining_window)))
        return 0
    cache.delete(fail_key)
    lockout = settings.LOGIN_THROTTLE_LOCKOUT
    cache.set(lock_key, now + lockout, timeout=lockout)
    return lockout


def record_failure(username: str, address: str) -> bool:
    """Count one failed sign-in; True when it locked the pair or the address out."""
    now, locked = time.time(), False
    # A read-modify-write: on SQLite the IMMEDIATE transaction serialises it.
    with transaction.atomic():
        for fail_key, lock_key, limit, scope in _counters(username, address):
            if lockout := _count(fail_key, lock_key, limit, now):
                logger.warning(
                    "sign-in locked for %d s for %s after %d failures", lockout, scope, limit
                )
                locked_out.send(
                    ThrottledModelBackend,
                    username=username,
                    scope=scope,
                    seconds=lockout,
                    failures=limit,
                )
                locked = True
    return locked


def clear_failures(username: str, address: str) -> None:
    """After a success: the pair's count only. The address's count stays, or one account an
    attacker holds would reset it between guesses on the others."""
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
