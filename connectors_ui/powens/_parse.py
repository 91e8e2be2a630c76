"""Tolerant coercion of single JSON values into typed Python values.

Powens documents its enums as open and real responses carry undocumented or odd values, so one
bad optional value degrades to ``None`` (or an empty tuple) instead of failing a whole
catalogue. Structural problems are the caller's business (see ``types``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, cast

# POWENS_API.md §1: "YYYY-MM-DD HH:MM:SS" without a timezone (UTC); fractions tolerated.
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATETIME_FORMATS = (DATETIME_FORMAT, DATETIME_FORMAT + ".%f")


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _exact_int(value: Any) -> int | None:
    """An int as sent; not a bool, which Python counts as an int."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_int(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _exact_int(value)


def as_number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def as_decimal(value: Any) -> Decimal | None:
    """Amounts are serialised as floats (``4000.0``); go through ``str`` to keep 4000.0 exact."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def as_datetime(value: Any) -> datetime | None:
    """Powens datetimes are naive ``YYYY-MM-DD HH:MM:SS`` in UTC; ISO forms are accepted too."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_str_tuple(value: Any) -> tuple[str, ...]:
    """A list of strings; anything that is not a list gives (), non-string items are dropped."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def as_enum[E: StrEnum](enum: type[E], value: Any) -> E | str | None:
    """A known value becomes the enum member (still a ``str``); an unknown one stays a plain str."""
    if not isinstance(value, str):
        return None
    try:
        return enum(value)
    except ValueError:
        return value


def as_enum_tuple[E: StrEnum](enum: type[E], value: Any) -> tuple[E | str, ...]:
    # as_enum gives None only for a non-str, and as_str_tuple keeps only strs.
    return tuple(cast(E | str, as_enum(enum, item)) for item in as_str_tuple(value))


def as_object(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


# Readers for the local catalogue copy's columns, which people read, search and export: there a
# number sent where Powens documents a string is kept as its text instead of dropped, so an odd
# connector still shows what it was sent (the typed objects above stay strict about types).


def as_text(value: Any) -> str | None:
    """Any JSON scalar as text (``3`` -> "3"); None for null, objects and lists."""
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def as_text_tuple(value: Any) -> tuple[str, ...]:
    """A list's scalar items as text, empty ones dropped; () when ``value`` is not a list."""
    if not isinstance(value, list):
        return ()
    return tuple(
        text for item in value if isinstance(item, str | int | float) and (text := str(item))
    )


def as_int_or_digits(value: Any) -> int | None:
    """An int, or one sent as a string of digits ("42"). Unlike ``as_int``, not ``42.0``: the
    copy's ids and priorities have always been read so."""
    if isinstance(value, str) and value.isdecimal():
        return int(value)
    return _exact_int(value)


def as_list(value: Any) -> list[Any]:
    """The value when it is a JSON list, else [] (so a string is never iterated)."""
    return value if isinstance(value, list) else []
