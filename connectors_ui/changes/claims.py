"""One change at a time per target (a connector, or one source of it), across processes.

A change claims its targets before it reads their state from Powens and gives them back once
its outcome is recorded, so that the read, the sealed intent, the write and the outcome of two
changes to one target never interleave. Without it, B could read the state after A sealed its
intent but before A's write landed, and seal after A's outcome: both writes "succeeded", B's with
a false ``before`` (issue 10).

A claim is a ``ChangeClaim`` row, unique per target, inserted in its own committed transaction,
so the database's unique index decides who holds a target, the same way on SQLite (IMMEDIATE
transactions serialise the inserts) and on PostgreSQL (a concurrent insert of the same target
waits for the first to commit, then does nothing). Nobody waits for a claim: a target held by
someone else is refused at once, so a batch holding many claims cannot deadlock with another
change, whatever the order. A claim is a lease: it expires ``IN_FLIGHT_SECONDS`` after it was
taken or last renewed (the holder renews before each step that writes or records), so a
process that died does not block its targets for longer than its pending intent does.
"""

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import IN_FLIGHT_SECONDS, Actor
from connectors_ui.models import ChangeClaim

Key = tuple[str, int | None]  # (connector uuid, source id or None), as the audit log keys targets


def claim_target(key: Key) -> str:
    uuid, source_id = key
    return uuid if source_id is None else f"{uuid}/{source_id}"


def holder_name(actor: Actor) -> str:
    """Who holds a claim, as a refused change names them."""
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.get_username()


def _lease() -> timedelta:
    return timedelta(seconds=IN_FLIGHT_SECONDS)


@dataclass
class Claims:
    """The claims one change asked for: the targets it ``held`` and those ``busy`` with another
    change (target -> who holds it). ``token`` marks this change's rows."""

    token: str
    held: set[Key] = field(default_factory=set)
    busy: dict[Key, str] = field(default_factory=dict)


def claims_take(*, keys: Iterable[Key], actor: Actor) -> Claims:
    """Claim every free target of ``keys`` (an expired claim is free), in one committed
    transaction; the others are returned as ``busy``, never waited for."""
    claims = Claims(secrets.token_hex(16))
    wanted = {claim_target(key): key for key in keys}
    now = timezone.now()
    with transaction.atomic():
        # Every expired claim, not only these: what a dead process left goes with its lease.
        ChangeClaim.objects.filter(expires_at__lte=now).delete()
        ChangeClaim.objects.bulk_create(
            [
                ChangeClaim(
                    target=target,
                    token=claims.token,
                    holder=holder_name(actor),
                    claimed_at=now,
                    expires_at=now + _lease(),
                )
                for target in wanted
            ],
            ignore_conflicts=True,
        )
        rows = ChangeClaim.objects.filter(target__in=wanted)
        for target, token, holder in rows.values_list("target", "token", "holder"):
            if token == claims.token:
                claims.held.add(wanted[target])
            else:
                claims.busy[wanted[target]] = holder
    return claims


def claims_renew(claims: Claims) -> set[Key]:
    """Extend the lease of the targets still held before the next step, and return them: one
    whose lease ran out and was taken over by another change (this one stalled longer than the
    lease) is no longer held, and must not be written or resolved."""
    with transaction.atomic():
        mine = ChangeClaim.objects.filter(token=claims.token)
        mine.update(expires_at=timezone.now() + _lease())
        still = set(mine.values_list("target", flat=True))
    claims.held = {key for key in claims.held if claim_target(key) in still}
    return claims.held


def claims_release(claims: Claims) -> None:
    """Give the targets back: only this change's rows, never a claim that took over ours."""
    ChangeClaim.objects.filter(token=claims.token).delete()


@contextmanager
def claimed(*, keys: Iterable[Key], actor: Actor) -> Iterator[Claims]:
    """Hold the free targets of ``keys`` for the block, and give them back after it, also when
    it raises. A process killed meanwhile leaves its claims to expire."""
    claims = claims_take(keys=keys, actor=actor)
    try:
        yield claims
    finally:
        claims_release(claims)
