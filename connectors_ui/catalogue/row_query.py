"""The list page's row query, compiled by the ORM once per shape and then run with new values.

The query (the page's fifty rows without their raw JSON, and for each an EXISTS over the audit
log saying whether a change of it may have left its state unknown) costs ~2.5 ms to compile
and ~0.3 ms to run: compiling it on every page was a fifth of the list's CPU (issue 16). So
the ORM still writes it, once per domain and number of rows, and each page only puts its own
values in: the primary keys and the in-flight cutoff. Where each goes is found by compiling
the query twice with different probes and checked against them; a shape that does not check
out (another database backend, another Django) is run through the ORM as before, so this is
only ever a shortcut, never a second definition of the query.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from audit.models import AuditEntry
from audit.selectors import audit_unresolved_since, domain_q
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import CatalogueConnector

# Two in-flight cutoffs no real page uses: whatever differs between the two compilations is
# where a page's cutoff goes.
_PROBES = (
    datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC),
    datetime(2002, 3, 4, 5, 6, 7, 8, tzinfo=UTC),
)

_FLAG = "has_unresolved_change"


def row_queryset(pks: Sequence[int], columns: Sequence[str], cutoff: datetime) -> QuerySet:
    """The rows ``pks`` of the current domain's copy with only ``columns``, each annotated
    ``has_unresolved_change`` (changes older than ``cutoff`` still unknown or pending).

    Only this domain's changes count: a connector has the same uuid on every domain, and a
    production change left unknown says nothing of the sandbox's row (``unknown_states``
    reads the same domain's entries, so a row flagged by another domain was built slowly,
    every time, for a cell that then showed nothing unknown)."""
    unresolved = audit_unresolved_since(cutoff).filter(domain_q(current_domain_name()))
    return (
        CatalogueConnector.objects.filter(pk__in=list(pks))
        .only(*columns)
        .annotate(**{_FLAG: Exists(unresolved.filter(connector_uuid=OuterRef("uuid")))})
    )


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    cutoff_slots: tuple[int, ...]
    pk_count: int

    def run(self, pks: Sequence[int], cutoff: Any) -> list[CatalogueConnector]:
        return list(CatalogueConnector.objects.raw(self.sql, self._params(pks, cutoff)))

    def flagged(self, pks: Sequence[int], cutoff: Any) -> set[int]:
        """The keys among ``pks`` whose EXISTS is true, from the database's own tuples (no
        model instance: what a page whose rows are already held needs)."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self._params(pks, cutoff))
            names = [column[0] for column in cursor.description]
            pk, flag = names.index(CatalogueConnector._meta.pk.column), names.index(_FLAG)
            return {row[pk] for row in cursor.fetchall() if row[flag]}

    def _params(self, pks: Sequence[int], cutoff: Any) -> list[Any]:
        params = list(self.params)
        for slot in self.cutoff_slots:
            params[slot] = cutoff
        params[len(params) - self.pk_count :] = pks
        return params


def _cutoff_param(cutoff: datetime) -> Any:
    """``cutoff`` as the database receives it for the audit entries' ``created_at``."""
    return AuditEntry._meta.get_field("created_at").get_db_prep_value(cutoff, connection)


@functools.lru_cache(maxsize=256)
def _compiled(domain: str, vendor: str, columns: tuple[str, ...], count: int) -> _Compiled | None:
    """The query for ``count`` rows, or None when its parameters are not where expected.

    ``domain`` and ``vendor`` are in the key because they are in the SQL (the domain as a
    parameter the page does not change)."""
    del domain, vendor
    pks = list(range(1, count + 1))
    first, second = (row_queryset(pks, columns, probe).query.sql_with_params() for probe in _PROBES)
    (sql, params), (other_sql, other_params) = first, second
    cutoffs = tuple(i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b)
    expected = [_cutoff_param(_PROBES[0])] * len(cutoffs)
    if (
        sql != other_sql
        or not cutoffs
        or [params[i] for i in cutoffs] != expected
        or list(params[len(params) - count :]) != pks
        or set(cutoffs) & set(range(len(params) - count, len(params)))
    ):
        return None
    return _Compiled(sql, tuple(params), cutoffs, count)


def rows_with_unresolved(
    pks: Sequence[int], columns: Sequence[str], *, cutoff: datetime
) -> list[CatalogueConnector]:
    """The rows ``pks`` (see ``row_queryset``)."""
    if not pks:
        return []
    compiled = _compiled(current_domain_name(), connection.vendor, tuple(columns), len(pks))
    if compiled is None:
        return list(row_queryset(pks, columns, cutoff))
    return compiled.run(pks, _cutoff_param(cutoff))


def rows_unresolved(pks: Sequence[int], *, cutoff: datetime) -> set[int]:
    """The keys among ``pks`` of rows with an unresolved change (see ``row_queryset``)."""
    if not pks:
        return set()
    compiled = _compiled(current_domain_name(), connection.vendor, ("uuid",), len(pks))
    if compiled is None:
        return {row.pk for row in row_queryset(pks, ("uuid",), cutoff) if getattr(row, _FLAG)}
    return compiled.flagged(pks, _cutoff_param(cutoff))
