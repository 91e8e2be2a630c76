"""Times people type and read in their own zone, stored in UTC (DST-safe).

A wall-clock time that a DST change skips (02:30 on the last Sunday of March in Paris) or
repeats (02:30 on the last Sunday of October) is refused with a message rather than guessed:
a maintenance window an hour off is worse than a question.
"""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings

SESSION_KEY = "governance_time_zone"


class LocalTimeError(ValueError):
    """A wall-clock time that does not name exactly one instant in its zone."""


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone this system knows, sorted (the form's choices)."""
    return tuple(sorted(available_timezones() | {"UTC"}))


def zone_of(name: str | None) -> ZoneInfo:
    """The zone ``name``, or the site's ``TIME_ZONE`` when it is empty or unknown."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def to_utc(local: datetime, zone_name: str) -> datetime:
    """The UTC instant of the naive wall-clock time ``local`` in ``zone_name``; raises
    ``LocalTimeError`` for a time the zone skips or repeats at a DST change."""
    zone = zone_of(zone_name)
    first, second = (local.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    if first.utcoffset() != second.utcoffset():
        if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
            raise LocalTimeError(
                f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks skip it "
                "(daylight saving time starts). Choose another time."
            )
        raise LocalTimeError(
            f"{local:%Y-%m-%d %H:%M} happens twice in {zone.key} (daylight saving time ends): "
            f"choose a time outside that hour, or enter it in UTC."
        )
    return first.astimezone(UTC)


def local_label(moment: datetime, zone_name: str) -> str:
    """``moment`` as people read it: local time, zone abbreviation and name, and UTC
    ("2026-03-29 04:00 CEST, Europe/Paris (02:00 UTC)")."""
    zone = zone_of(zone_name)
    local = moment.astimezone(zone)
    if zone.key == "UTC":
        return f"{local:%Y-%m-%d %H:%M} UTC"
    utc = moment.astimezone(UTC)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}, {zone.key} ({utc:%H:%M} UTC)"
