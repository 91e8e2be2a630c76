"""Powens' published sandbox fair-usage figure, enforced on request: 30 calls a minute.

Off unless ``POWENS_SANDBOX_RATE_LIMIT`` (or ``sandbox_server --rate-limit``) sets calls per
minute, so probes and test suites are not slowed; on, it shows whether a client really stays
inside the figure. Calls are counted per client address over a sliding 60-second window;
refused calls do not count. The answer is POWENS_API.md's: 429 ``tooManyRequests`` with
``Retry-After`` in whole seconds.
"""

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from django.conf import settings

WINDOW_SECONDS = 60.0


class RateLimiter:
    """Sliding-window counter per client; thread-safe (the standalone server is threaded)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.per_minute: int | None = None  # None: follow the setting

    def limit(self) -> int:
        return (
            self.per_minute if self.per_minute is not None else settings.POWENS_SANDBOX_RATE_LIMIT
        )

    def wait_for(self, client: str) -> int | None:
        """None when ``client`` may call now (the call is counted), else seconds to wait."""
        limit = self.limit()
        if limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            calls = self._calls.setdefault(client, deque())
            while calls and calls[0] <= now - WINDOW_SECONDS:
                calls.popleft()
            if len(calls) < limit:
                calls.append(now)
                return None
            return max(1, math.ceil(calls[0] + WINDOW_SECONDS - now))

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()


limiter = RateLimiter()
