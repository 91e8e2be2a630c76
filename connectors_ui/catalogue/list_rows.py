"""The list page's rows: read once per copy of the index, after that only their flags.

Why (issue 16): turning fifty rows into model instances and decoding their JSON columns was a
tenth of the list's time, and the same rows come back page after page. A copy of the index
describes the catalogue at one version (every write to a row stamps a new serial, so a new
copy), so the rows read for it stay true for as long as it is in use, exactly like the index
itself. What changes without a new version is the audit log: whether a change of a row may
have left its state unknown. That is read on every page, in one query that returns no row
data; the rows themselves are read, in that same query, only for a page with a row the copy
has not read yet.

Each page gets its own shallow copy of each row, so what a page sets on a row (its flags, the
name a search found it by) never reaches another page, in another thread.
"""

import copy
from datetime import datetime

from connectors_ui.catalogue.row_query import rows_unresolved, rows_with_unresolved
from connectors_ui.catalogue.search_index import CatalogueIndex
from connectors_ui.models import CatalogueConnector

# Rows held per copy of the index at the most, so a worker that has paged through a large
# catalogue does not keep it all: past it, the rows are read again.
HELD_ROWS = 2_000


def list_rows(
    index: CatalogueIndex, positions: list[int], *, columns: tuple[str, ...], cutoff: datetime
) -> dict[int, CatalogueConnector]:
    """The rows at ``positions`` (by primary key) with ``columns`` only, in one query, each
    with ``has_unresolved_change`` (a change of it older than ``cutoff`` is still unknown or
    pending), ``source_badges`` (from the index) and ``memo`` (a dict the presentation may fill
    with what it derives from the row alone, kept with the row)."""
    pks = [index.pks[i] for i in positions]
    held, unresolved = _read(index, pks, columns, cutoff)
    rows: dict[int, CatalogueConnector] = {}
    for i, pk in zip(positions, pks, strict=True):
        if pk not in held:  # gone from the copy since the index was made
            continue
        row = rows[pk] = _own_copy(held[pk])
        # The model has none of these fields: the page reads them from the row.
        row.has_unresolved_change = pk in unresolved  # type: ignore[attr-defined]
        row.source_badges = list(index.badges[i])  # type: ignore[attr-defined]
        row.memo = index.memos.setdefault(pk, {})  # type: ignore[attr-defined]
    return rows


def _read(
    index: CatalogueIndex, pks: list[int], columns: tuple[str, ...], cutoff: datetime
) -> tuple[dict[int, CatalogueConnector], set[int]]:
    """The rows ``pks`` as the index holds them, and the keys of those with an unresolved
    change. The rows are read too, and held, when the index does not hold them all yet."""
    held = {pk: row for pk in pks if (row := index.rows.get(pk)) is not None}
    if len(held) == len(pks):
        return held, rows_unresolved(pks, cutoff=cutoff)
    if len(index.rows) + len(pks) > HELD_ROWS:
        index.rows.clear()
        index.memos.clear()
    loaded = {row.pk: row for row in rows_with_unresolved(pks, columns, cutoff=cutoff)}
    index.rows.update(loaded)
    return loaded, {pk for pk, row in loaded.items() if _flag(row)}


def _own_copy(row: CatalogueConnector) -> CatalogueConnector:
    """A shallow copy of ``row``, as ``copy.copy`` makes it (``Model.__getstate__``: its own
    state and related-object cache) at a third of the cost."""
    clone = CatalogueConnector.__new__(CatalogueConnector)
    clone.__dict__ = row.__dict__.copy()
    clone._state = copy.copy(row._state)
    clone._state.fields_cache = {}
    return clone


def _flag(row: CatalogueConnector) -> bool:
    return bool(row.has_unresolved_change)  # type: ignore[attr-defined]
