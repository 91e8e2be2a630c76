"""Fault injection for tests and demos, stored in the database so the in-process transport and
the standalone server (any process) see the same faults.

A fault matches calls by endpoint ("E1".."E8", None = all) and method (None = all). With
``count`` it fires on the next N matching calls; with ``rate`` it fires on each matching call
with that probability, drawn from a seeded RNG (the n-th draw depends only on ``seed`` and n),
and lasts until ``clear()``. ``apply_write=True`` runs the request first, so a write IS applied
and then its response is lost (timeout, reset) or replaced (malformed, status).
"""

from __future__ import annotations

import random

from django.db import transaction
from django.db.models import Q

from sandbox.domains import sandbox_domains
from sandbox.models import SandboxFault

KINDS = ("status", "timeout", "reset", "malformed", "latency")
ENDPOINTS = tuple(f"E{n}" for n in range(1, 9))
Fault = SandboxFault


def inject(
    kind: str,
    *,
    method: str | None = None,
    endpoint: str | None = None,
    count: int | None = 1,
    rate: float | None = None,
    status: int | None = None,
    retry_after: int | None = None,
    delay_ms: int | None = None,
    apply_write: bool = False,
    seed: int = 0,
    domain: str = "",
) -> Fault:
    """Add a fault (on one sandbox ``domain``, or "" for every one); raises ValueError on a
    meaningless combination."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}.")
    if endpoint is not None and endpoint not in ENDPOINTS:
        raise ValueError("endpoint must be E1..E8 or None.")
    if kind == "status" and (status is None or not 100 <= status <= 599):
        raise ValueError("a status fault needs a status between 100 and 599.")
    if kind == "latency" and (delay_ms is None or delay_ms < 0):
        raise ValueError("a latency fault needs delay_ms >= 0.")
    if rate is not None and not 0 <= rate <= 1:
        raise ValueError("rate must be between 0 and 1.")
    if rate is None and (count is None or count < 1):
        raise ValueError("count must be at least 1 (or give a rate).")
    if kind == "status" and status == 429 and retry_after is None:
        retry_after = 1
    if domain and domain not in sandbox_domains():
        raise ValueError(f"domain must be one of {', '.join(sandbox_domains())} (or none).")
    return SandboxFault.objects.create(
        domain=domain,
        kind=kind,
        method=method.upper() if method else None,
        endpoint=endpoint,
        remaining=None if rate is not None else count,
        rate=rate,
        status=status,
        retry_after=retry_after,
        delay_ms=delay_ms,
        apply_write=apply_write,
        seed=seed,
    )


def clear() -> int:
    """Remove every fault; returns how many there were."""
    deleted, _ = SandboxFault.all_domains.all().delete()
    return deleted


def active() -> list[Fault]:
    return list(SandboxFault.all_domains.all())


def take(endpoint: str | None, method: str) -> Fault | None:
    """The fault that fires on this call, if any, consuming one of its uses."""
    if not SandboxFault.objects.exists():
        return None
    matching = SandboxFault.objects.filter(
        Q(endpoint__isnull=True) | Q(endpoint=endpoint), Q(method__isnull=True) | Q(method=method)
    )
    with transaction.atomic():
        for fault in matching.select_for_update().order_by("id"):
            fault.calls += 1
            fires = fault.rate is None or (
                random.Random(f"{fault.seed}:{fault.calls}").random() < fault.rate
            )
            if fires:
                fault.fired += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
            if fault.remaining == 0:
                fault.delete()
            else:
                fault.save(update_fields=["calls", "fired", "remaining"])
            if fires:
                return fault
    return None
