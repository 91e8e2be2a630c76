"""One budget of Powens calls per domain, shared by every process and host: a token bucket in
the database that every call of the one client draws from (refreshes, writes, health probes).

Why in the database: gunicorn workers, commands and the worker each have their own client, and
Powens counts the domain's calls, not ours per process. The bucket is one row per domain,
read and written in one transaction: under ``select_for_update`` on PostgreSQL, and on SQLite
inside the IMMEDIATE transaction every ``atomic()`` opens (settings), which serialises writers.

The bucket holds up to ``calls_per_minute`` turns and refills at that rate. A call finding no
turn reserves the next one (the row goes negative) and sleeps until it comes, if that is within
``POWENS_BUDGET_MAX_WAIT`` seconds; otherwise it is refused at once with
``PowensBudgetExhausted`` and nothing is sent.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from connectors_ui.domains.registry import Domain
from connectors_ui.models import UpstreamBudget
from connectors_ui.powens.errors import PowensBudgetExhausted


class DatabaseBudget:
    """Draws one turn of ``domain``'s bucket per call (see the module docstring)."""

    def __init__(
        self,
        domain: Domain,
        *,
        max_wait: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.domain = domain
        self.capacity = float(domain.calls_per_minute)
        self.rate = self.capacity / 60.0  # turns per second
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep

    def __call__(self) -> None:
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)

    def reserve(self) -> float:
        """Take the next turn; returns the seconds to wait for it (0: now)."""
        with transaction.atomic():
            row = self._row()
            now = self._clock()
            tokens = min(self.capacity, row.tokens + max(0.0, now - row.updated_at) * self.rate)
            wait = max(0.0, (1.0 - tokens) / self.rate)
            if wait > self.max_wait:
                raise PowensBudgetExhausted(self._refusal(wait), retry_after=math.ceil(wait))
            UpstreamBudget.objects.filter(domain=self.domain.name).update(
                tokens=tokens - 1.0, updated_at=now
            )
        return wait

    def _row(self) -> UpstreamBudget:
        rows = UpstreamBudget.objects.select_for_update()
        row = rows.filter(domain=self.domain.name).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                return UpstreamBudget.objects.create(
                    domain=self.domain.name, tokens=self.capacity, updated_at=self._clock()
                )
        except IntegrityError:  # another process created it first
            return rows.get(domain=self.domain.name)

    def _refusal(self, wait: float) -> str:
        return (
            f"The budget of {self.domain.calls_per_minute} Powens calls a minute for "
            f"{self.domain.label} is used up; nothing was sent. Try again in {math.ceil(wait)} s."
        )


def budget_for(domain: Domain) -> DatabaseBudget | None:
    """The budget the client of ``domain`` draws from; None when it has no limit of ours."""
    if domain.calls_per_minute <= 0:
        return None
    return DatabaseBudget(domain, max_wait=settings.POWENS_BUDGET_MAX_WAIT)
