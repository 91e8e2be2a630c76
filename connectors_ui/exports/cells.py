"""Turning values into CSV cells that are safe to open in a spreadsheet.

A spreadsheet executes a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV injection"); such a *text* cell gets a leading ``'``, which
spreadsheets hide and machines can strip. Numbers are never altered: an int or a float is
written as is, and so is text that is exactly a number ("-12.5"), since a spreadsheet reads it
as a number, not a formula. Dates are ISO 8601 in UTC with a ``Z`` suffix, booleans
``true``/``false``, lists joined with ``|``, missing values empty.
"""

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
LIST_SEPARATOR = "|"

Cell = str | int | float


def safe_text(value: str) -> str:
    """``value``, with a leading ``'`` when a spreadsheet would run it as a formula."""
    if value and value[0] in FORMULA_STARTS and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def text(value: Any) -> str:
    return "" if value is None else safe_text(str(value))


def number(value: Any) -> Cell:
    """Ints and floats unchanged; anything else (odd upstream data) as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return text(value)


BOOL = ("false", "true")  # indexed by a non-null boolean column (0/1 from some drivers)


def boolean(value: Any) -> str:
    return "" if value is None else BOOL[bool(value)]


def iso_datetime(value: datetime | None) -> str:
    """``2024-03-01T09:12:44Z``: UTC, second precision (naive values are taken as UTC)."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def joined(values: Any) -> str:
    """A list as one cell: ``fr|de``. Items that are not scalars are skipped."""
    if not values:
        return ""
    if not isinstance(values, list | tuple):
        return text(values)
    try:
        return safe_text(LIST_SEPARATOR.join(values))  # the usual case: a list of strings
    except TypeError:
        return safe_text(
            LIST_SEPARATOR.join(str(v) for v in values if isinstance(v, str | int | float))
        )


def as_json(value: Any) -> str:
    """Structured values (audit before/after) as compact JSON with sorted keys."""
    if value is None:
        return ""
    return safe_text(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


class Memo(dict):
    """``memo[key]``: ``compute(key)``, computed once per distinct key.

    A catalogue repeats the same few product, country and source combinations thousands of
    times; a hit is one dict lookup. Cleared past ``limit`` keys so memory stays bounded.
    """

    def __init__(self, compute: Callable[[Any], Any], limit: int = 10_000) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value
