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

Each attempt is counted as a failure *before* its password is checked, in one serialised
transaction with the lock check, and taken back if the password was right: simultaneous
guesses cannot all pass the check while the count is still low.

Enforced in the authentication backend, so every sign-in form (ours and Django admin's) is
covered, and by the password-change form for the old password (``throttled_check``): a wrong
old password counts like a failed sign-in of that account from that address, and shares its
lock. The views only add the explanation. Counts live in a database cache (the ``throttle``
alias), shared by every worker process; ``post_migrate`` creates its table.
"""

import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, transaction
from django.dispatch import Signal
from django.http import HttpRequest

logger = logging.getLogger("connectors_ui.security")
CACHE_ALIAS = "throttle"
# Sent when a failed check (sign-in or password change) starts a lock, with ``lockout`` (a
# ``Lockout``): for the account events in the audit log.
lockout_started = Signal()


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


@dataclass(frozen=True)
class _Counter:
    fail_key: str
    lock_key: str
    limit: int
    scope: str  # what its lock shuts out, for the log


def _counters(username: str, address: str) -> list[_Counter]:
    """The pair's counter, then the address's."""
    return [
        _Counter(
            _key("fail", username, address),
            _key("lock", username, address),
            settings.LOGIN_THROTTLE_FAILURES,
            "this username from this address",
        ),
        _Counter(
            _key("address-fail", "", address),
            _key("address-lock", "", address),
            settings.LOGIN_THROTTLE_ADDRESS_FAILURES,
            "every username from this address",
        ),
    ]


class LockedOut(Exception):
    """The pair or the address is locked: the password was not checked."""

    def __init__(self, remaining: int) -> None:
        super().__init__(f"Locked out for {remaining} more seconds.")
        self.remaining = remaining


@dataclass(frozen=True)
class Lockout:
    """A lock that a failed check started, as the log line and ``lockout_started`` tell it."""

    username: str
    address: str
    scope: str  # what is locked
    failures: int  # the limit reached
    purpose: str  # "sign-in" or "password change"
    seconds: int = field(default_factory=lambda: settings.LOGIN_THROTTLE_LOCKOUT)


@dataclass
class _Attempt:
    """A password check the throttle let through, counted as a failure before it runs."""

    username: str
    address: str
    # The counters whose limit this attempt reached: their locks started with it.
    locked: list[_Counter] = field(default_factory=list)

    def lockouts(self, purpose: str) -> list[Lockout]:
        """The locks this attempt started, once its check has failed."""
        return [
            Lockout(self.username, self.address, counter.scope, counter.limit, purpose)
            for counter in self.locked
        ]


def lockout_remaining(username: str, address: str) -> int:
    """Seconds left on the lock of this username from this address, or of the address as a
    whole (0 = not locked)."""
    cache, now = caches[CACHE_ALIAS], time.time()
    locks = cache.get_many([c.lock_key for c in _counters(username, address)]).values()
    return max((max(0, int(until - now)) for until in locks if until), default=0)


def _serialise(address: str) -> None:
    """Make this transaction the only one counting for ``address`` (both counters are keyed on
    it). SQLite's IMMEDIATE transactions already hold the database's write lock; PostgreSQL's
    cache reads take no row lock, so a transaction-scoped advisory lock does it."""
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"login-throttle|{address}".encode()).digest()
        with connection.cursor() as cursor:
            key = int.from_bytes(digest[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _count(counter: _Counter, now: float) -> bool:
    """Add one failure to a counter; True when that reached its limit and started its lock."""
    cache = caches[CACHE_ALIAS]
    count, started = cache.get(counter.fail_key) or (0, now)
    count += 1
    remaining_window = settings.LOGIN_THROTTLE_WINDOW - (now - started)
    if remaining_window <= 0:
        count, started, remaining_window = 1, now, settings.LOGIN_THROTTLE_WINDOW
    if count < counter.limit:
        cache.set(counter.fail_key, (count, started), timeout=max(1, int(remaining_window)))
        return False
    cache.delete(counter.fail_key)
    lockout = settings.LOGIN_THROTTLE_LOCKOUT
    cache.set(counter.lock_key, now + lockout, timeout=lockout)
    return True


def _uncount(counter: _Counter, started_lock: bool, now: float) -> None:
    """Take back the failure an attempt was counted as (it succeeded), lock included."""
    cache = caches[CACHE_ALIAS]
    if started_lock:
        cache.delete(counter.lock_key)
        window = settings.LOGIN_THROTTLE_WINDOW
        cache.set(counter.fail_key, (counter.limit - 1, now), timeout=window)
    elif counted := cache.get(counter.fail_key):
        count, started = counted
        remaining_window = settings.LOGIN_THROTTLE_WINDOW - (now - started)
        if count > 1 and remaining_window > 0:
            cache.set(counter.fail_key, (count - 1, started), timeout=max(1, int(remaining_window)))
        else:
            cache.delete(counter.fail_key)


def _attempt_begin(username: str, address: str) -> _Attempt:
    """Check the locks and count the attempt as a failure in one serialised transaction,
    *before* the password is checked: of any number of simultaneous guesses only the limit's
    worth get a check, the rest find the lock. Raises ``LockedOut``."""
    with transaction.atomic():
        _serialise(address)
        if remaining := lockout_remaining(username, address):
            raise LockedOut(remaining)
        now = time.time()
        attempt = _Attempt(username, address)
        attempt.locked = [c for c in _counters(username, address) if _count(c, now)]
    return attempt


def _attempt_failed(attempt: _Attempt, purpose: str) -> None:
    """Already counted: only say so if it started a lock."""
    for lockout in attempt.lockouts(purpose):
        logger.warning(
            "sign-in locked for %d s for %s after %d failures (last: %s)",
            lockout.seconds,
            lockout.scope,
            lockout.failures,
            lockout.purpose,
        )
        lockout_started.send(sender=ThrottledModelBackend, lockout=lockout)


def _attempt_succeeded(attempt: _Attempt) -> None:
    """The password was right: the pair starts afresh; the address keeps its other failures,
    or one account an attacker holds would reset it between guesses on the others."""
    pair, address = _counters(attempt.username, attempt.address)
    with transaction.atomic():
        _serialise(attempt.address)
        cache, now = caches[CACHE_ALIAS], time.time()
        cache.delete(pair.fail_key)
        if pair in attempt.locked:
            cache.delete(pair.lock_key)
        _uncount(address, address in attempt.locked, now)


def throttled_check[T](
    username: str, address: str, check: Callable[[], T | None], *, purpose: str
) -> T | None:
    """Run one password ``check`` (None = wrong) for ``username`` from ``address`` under the
    throttle: sign-in and password change share the counts and the locks. Raises ``LockedOut``
    without running ``check`` while locked; a check that raises counts as a failure."""
    attempt = _attempt_begin(username, address)
    result = None
    try:
        result = check()
    finally:
        if result is None:
            _attempt_failed(attempt, purpose)
        else:
            _attempt_succeeded(attempt)
    return result


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
        def check() -> Any:
            return super(ThrottledModelBackend, self).authenticate(
                request, username=username, password=password, **kwargs
            )

        if request is None or not username:
            return check()
        try:
            return throttled_check(username, client_address(request), check, purpose="sign-in")
        except LockedOut:
            # PermissionDenied stops Django from trying any other backend.
            raise PermissionDenied("Too many failed sign-ins.") from None

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """ModelBackend's own async version would skip the throttle: run the sync one."""
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )


def ensure_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: create the throttle's cache table (idempotent) with the other tables."""
    call_command("createcachetable", database=using, verbosity=0)
