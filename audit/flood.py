"""Refused attempts cannot flood the audit log, and none is silently lost.

Audit history can never be deleted, so whatever a request can make us append, anyone with a
session (even one without a role) can make us keep forever. Per account (or anonymous) and
client address, the first ``AUDIT_REFUSAL_BURST`` refusals of a window of
``AUDIT_REFUSAL_WINDOW`` seconds are recorded in full; the rest are *counted* in a
``RefusalTally`` row, in the same transaction as any other refusal would have been recorded.
When the window has closed, the count goes on the chain as one entry, "N more refused
attempts", with the first and last time, the actions and the refusal codes.

A closed window is written out by the next refusal of *anyone* (not only of the same key), and
by ``manage.py audit_flush_refusals`` (cron it; ``--all`` also writes open windows): a count
never depends on its author coming back. Until then it is in the tally table, durable.

Only refusals caused by a request are limited (the entry has a request id); a command's or the
worker's are recorded as before. Runs inside ``chain.append``'s ``build``, under the chain
lock, so two requests cannot both take the last place of a burst.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from audit.chain import append
from audit.models import Action, AuditEntry, Outcome, RefusalTally

SUMMARY_CODE = "rate_limited"
# Who acted, as a refused entry names them: its tally keeps them, its summary names them again.
_ACTOR_COLUMNS = ("actor_id", "actor_username", "actor_role")


def _window() -> timedelta:
    return timedelta(seconds=settings.AUDIT_REFUSAL_WINDOW)


def _actor(record: AuditEntry | RefusalTally) -> dict[str, Any]:
    return {column: getattr(record, column) for column in _ACTOR_COLUMNS}


def _key(entry: AuditEntry) -> tuple[str, str]:
    actor = f"user:{entry.actor_id}" if entry.actor_id is not None else "anonymous"
    return actor, entry.client_ip


def _summary(tally: RefusalTally) -> AuditEntry:
    """The entry that stands for a tally's counted attempts."""
    assert tally.first_counted_at is not None and tally.last_counted_at is not None
    first, last = (moment.isoformat() for moment in (tally.first_counted_at, tally.last_counted_at))
    plural = "" if tally.counted == 1 else "s"
    return AuditEntry(
        **_actor(tally),
        action=Action.REFUSALS_SUMMARY,
        outcome=Outcome.REFUSED,
        error_code=SUMMARY_CODE,
        error_message=(
            f"{tally.counted} more refused attempt{plural} from this account and address, "
            f"between {first} and {last}: counted, not recorded one by one (more than "
            f"{tally.recorded} in {settings.AUDIT_REFUSAL_WINDOW} seconds)."
        ),
        client_ip=tally.client_ip,
        details={
            "count": tally.counted,
            "first_at": first,
            "last_at": last,
            "actions": tally.actions,
            "codes": tally.codes,
            "window_started": tally.window_started.isoformat(),
            "recorded_in_full": tally.recorded,
        },
    )


def _flushed(tallies: Iterable[RefusalTally]) -> list[AuditEntry]:
    """Summaries of these tallies' counted attempts; the tallies are deleted."""
    tallies = list(tallies)
    RefusalTally.objects.filter(pk__in=[t.pk for t in tallies]).delete()
    return [_summary(tally) for tally in tallies if tally.counted]


def _tally(entry: AuditEntry, now: datetime) -> RefusalTally:
    actor_key, client_ip = _key(entry)
    tally, _ = RefusalTally.objects.get_or_create(
        actor_key=actor_key,
        client_ip=client_ip,
        defaults={**_actor(entry), "window_started": now},
    )
    return tally


def _count(tally: RefusalTally, entry: AuditEntry, now: datetime) -> None:
    tally.counted += 1
    tally.first_counted_at = tally.first_counted_at or now
    tally.last_counted_at = now
    for name, value in (("actions", entry.action), ("codes", entry.error_code)):
        counts = getattr(tally, name)
        counts[value] = counts.get(value, 0) + 1


def refusals_admit(entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """Call under the chain lock: what to append for these refusals. Summaries of every closed
    window first, then the entries still within their key's burst; the others are counted."""
    now = timezone.now()
    records = _flushed(RefusalTally.objects.filter(window_started__lte=now - _window()))
    for entry in entries:
        if not entry.request_id:
            records.append(entry)
            continue
        tally = _tally(entry, now)
        if tally.recorded < settings.AUDIT_REFUSAL_BURST:
            tally.recorded += 1
            records.append(entry)
        else:
            _count(tally, entry, now)
        tally.save()
    return records


def audit_refusals_flush(*, include_open: bool = False) -> list[AuditEntry]:
    """Write out the counts of closed windows (all windows with ``include_open``) now, as
    summary entries; returns them."""
    tallies = RefusalTally.objects.all()
    if not include_open:
        tallies = tallies.filter(window_started__lte=timezone.now() - _window())
    return append(lambda: _flushed(tallies))
