"""Reading many rows fast: what the connectors report needs to stream 50,000+ rows a second.

Two costs dominated it (bench/export_bench.py), and ``ChunkQuery`` skips both:

- Django's per-row, per-value conversion (JSON decoding through the field, booleans, dates):
  rows come as the database driver returns them — JSON columns cast to text and decoded with
  ``json_list``, booleans possibly 0/1, datetimes possibly strings (see ``utc``);
- compiling an IN list of 1,000 keys, which costs about as much as running the query: the SQL
  compiled for one chunk is reused for every chunk of the same length.
"""

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

# Our JSON columns hold json.dumps output: no surrounding whitespace for json.loads to skip.
_decode = json.JSONDecoder().raw_decode


class ChunkQuery:
    """``rows(keys)``: the rows of ``make(keys)``, a ``values_list`` queryset whose only query
    parameters are ``keys`` (an ``__in`` filter). Columns come in SQL order: model fields,
    then annotations, so list annotations last in ``values_list``."""

    def __init__(self, make: Callable[[Sequence[Any]], QuerySet[Any]]) -> None:
        self._make = make
        self._compiled: dict[int, tuple[str, str]] = {}

    def rows(self, keys: Sequence[Any]) -> list[tuple]:
        compiled = self._compiled.get(len(keys))
        if compiled is None:
            queryset = self._make(keys)
            sql, params = queryset.query.get_compiler(queryset.db).as_sql()
            if list(params) != list(keys):  # duplicates dropped, or other parameters
                return self._fetch(queryset.db, sql, params)
            compiled = self._compiled[len(keys)] = (queryset.db, sql)
        return self._fetch(*compiled, keys)

    @staticmethod
    def _fetch(alias: str, sql: str, params: Sequence[Any]) -> list[tuple]:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()


def utc(value: datetime | str | None) -> datetime | None:
    """A driver's datetime (SQLite gives text) as an aware UTC datetime."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def json_list(text: str | None) -> list[Any]:
    """A JSON list column read as text; anything that is not a list becomes []."""
    value = _decode(text)[0] if text else None
    return value if isinstance(value, list) else []
