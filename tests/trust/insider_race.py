"""Concurrent password guesses against one account from one address: how many passwords get
checked. Run like ``tests.trust.concurrency`` (in-process on PostgreSQL, else a subprocess on a
file database):

    DJANGO_ENV=test DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.trust.insider_race
"""

import threading
import time
from typing import Any

from tests.trust.concurrency import main, race

GUESSES = 30
ADDRESS = "10.9.9.9"
# Each check is slowed down so that the guesses really overlap (as a real hasher's ~0.3 s does).
CHECK_SECONDS = 0.05


class CountedChecks:
    """Wraps ``check_password`` for the duration: counts the checks, each one slowed down."""

    def __init__(self) -> None:
        from django.contrib.auth.base_user import AbstractBaseUser

        self.model, self.original = AbstractBaseUser, AbstractBaseUser.check_password
        self.count, self._lock = 0, threading.Lock()

    def __enter__(self) -> "CountedChecks":
        def counted(user: Any, raw_password: str) -> bool:
            with self._lock:
                self.count += 1
            time.sleep(CHECK_SECONDS)
            return self.original(user, raw_password)

        self.model.check_password = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        self.model.check_password = self.original  # type: ignore[method-assign]


def sign_in_guesses() -> dict[str, Any]:
    """``GUESSES`` wrong passwords for one username from one address, all at once, through
    ``authenticate`` (as the login form calls it)."""
    from django.contrib.auth import authenticate, get_user_model
    from django.core.cache import caches
    from django.test import RequestFactory

    from accounts.throttle import CACHE_ALIAS, lockout_remaining

    caches[CACHE_ALIAS].clear()
    get_user_model().objects.create_user(username="race-guessed", password="the-right-one")
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ADDRESS)

    def guess(number: int) -> bool:
        return authenticate(request, username="race-guessed", password=f"guess-{number}") is None

    with CountedChecks() as checks:
        refused = race([lambda n=n: guess(n) for n in range(GUESSES)])
    return {
        "guesses": GUESSES,
        "password_checks": checks.count,
        "all_refused": all(r is True for r in refused),
        "locked_seconds": lockout_remaining("race-guessed", ADDRESS),
    }


def run_all() -> dict[str, Any]:
    return {"sign_in": sign_in_guesses()}


if __name__ == "__main__":
    main(run_all)
