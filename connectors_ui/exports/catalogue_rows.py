"""Row builders of the three catalogue reports: connectors, fields and sources.

Each takes the connectors' primary keys in list order (see ``connector_search_pks``) and loads
them ``DB_CHUNK`` at a time with plain ``values_list`` queries: no model instances, and memory
does not grow with the number of connectors. A connector deleted from the copy while the
export runs is skipped. Names are written whole: a stored name cut to its column (ending
"…") is read again from the raw JSON (see ``_Uncut``).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import batched
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from connectors_ui.catalogue.columns import (
    JSON_LISTS,
    NAME_LIMIT,
    PLAIN_COLUMNS,
    SOURCE_NAME_LIMIT,
    ListedConnector,
)
from connectors_ui.catalogue.detail import list_of_mappings
from connectors_ui.catalogue.search_index import state_label
from connectors_ui.exports.cells import (
    BOOL,
    LIST_SEPARATOR,
    Cell,
    Memo,
    as_json,
    boolean,
    iso_datetime,
    joined,
    number,
    safe_text,
    text,
)
from connectors_ui.exports.fetch import ChunkQuery, json_list, utc
from connectors_ui.models import CatalogueConnector, CatalogueSource

DB_CHUNK = 1000
join = LIST_SEPARATOR.join
# The detail page's source order (priority, then id).
_SOURCE_ORDER = ("connector_id", *(CatalogueSource._meta.ordering or ()))

CONNECTOR_HEADER = (
    "uuid",
    "id",
    "name",
    "slug",
    "code",
    "state",
    "hidden",
    "beta",
    "restricted",
    "charged",
    "pay_capable",
    "auth_mechanism",
    "available_auth_mechanisms",
    "products",
    "capabilities",
    "countries",
    "country_names",
    "source_count",
    "sources",
    "enabled_sources",
    "disabled_sources",
    "removed_at",
    "stability",
    "stability_since",
)
# The JSON list columns are read as text and decoded here (see exports.fetch): as annotations
# they come after the plain columns, which is ListedConnector's order.
_LISTS_AS_TEXT = {f"{name}_text": Cast(name, TextField()) for name in JSON_LISTS}
_CONNECTOR_VALUES = (*PLAIN_COLUMNS, *_LISTS_AS_TEXT)

FIELD_HEADER = (
    "connector_uuid",
    "connector_id",
    "connector_name",
    "kind",
    "position",
    "name",
    "label",
    "type",
    "required",
    "regex",
    "values",
    "auth_mechanisms",
    "connector_sources",
    "description",
)

SOURCE_HEADER = (
    "connector_uuid",
    "connector_id",
    "connector_name",
    "source_id",
    "name",
    "priority",
    "auth_mechanism",
    "state",
    "disabled_at",
    "stability",
    "backs_up",
    "stability_since",
)


class _Uncut:
    """The full names of the rows whose stored ``name`` was cut to its column's size, read
    from their raw JSON: one query per chunk, and only when a chunk holds such a name (rare)."""

    def __init__(self, model: type[CatalogueConnector] | type[CatalogueSource], limit: int) -> None:
        self._model, self._limit = model, limit

    def names(self, rows: Iterable[Sequence[Any]], pk_at: int, name_at: int) -> dict[int, str]:
        """{pk: full name} for ``rows`` (tuples with the pk and the stored name at these
        positions) whose stored name fills its column; usually empty."""
        limit = self._limit
        cut = [row[pk_at] for row in rows if len(row[name_at]) >= limit]
        if not cut:
            return {}
        raw_names = self._model.objects.filter(pk__in=cut).values_list("pk", "raw__name")
        return {pk: str(name) for pk, name in raw_names if isinstance(name, str | int | float)}


def _in_order[Row: tuple](pks: Sequence[int], rows: Iterable[Row]) -> Iterator[Row]:
    """``rows`` (first column = pk, as in ListedConnector) re-ordered like ``pks``."""
    by_pk = {row[0]: row for row in rows}
    return (by_pk[pk] for pk in pks if pk in by_pk)


def _sources_by_connector(
    query: ChunkQuery, pks: Sequence[int], uncut: _Uncut
) -> dict[int, list[tuple[str, bool]]]:
    found: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    rows = query.rows(pks)
    full_names = uncut.names(rows, pk_at=3, name_at=1)
    for connector_id, name, disabled, pk in rows:
        found[connector_id].append((full_names.get(pk, name), bool(disabled)))
    return found


# Lists of strings only: the refresh normalises these columns (catalogue.columns).
def _list_cell(text: str) -> str:
    return safe_text(join(json_list(text)))


def _country_cells(text: str) -> tuple[str, str]:
    countries = json_list(text)
    return safe_text(join([c[0] for c in countries])), safe_text(join([c[1] for c in countries]))


def _source_cells(sources: tuple[tuple[str, bool], ...]) -> tuple[int, str, str, str]:
    return (
        len(sources),
        safe_text(join([name for name, _ in sources])),
        safe_text(join([name for name, disabled in sources if not disabled])),
        safe_text(join([name for name, disabled in sources if disabled])),
    )


def _connector_query() -> ChunkQuery:
    return ChunkQuery(
        lambda keys: (
            CatalogueConnector.objects.filter(pk__in=keys)
            .order_by()
            .annotate(**_LISTS_AS_TEXT)
            .values_list(*_CONNECTOR_VALUES)
        )
    )


def _source_query() -> ChunkQuery:
    return ChunkQuery(
        lambda keys: (
            CatalogueSource.objects.filter(connector_id__in=keys)
            .order_by(*_SOURCE_ORDER)
            .values_list("connector_id", "name", "disabled", "pk")
        )
    )


def connector_csv_rows(pks: Sequence[int]) -> Iterator[list[Cell]]:
    """One row per connector: the list's properties flattened, sources with their state, and
    its stability (as Powens sent it, like the sources' column, and since when)."""
    connectors, sources = _connector_query(), _source_query()
    list_cells, country_cells = Memo(_list_cell), Memo(_country_cells)
    source_cells = Memo(_source_cells)
    uncut = _Uncut(CatalogueConnector, NAME_LIMIT)
    sources_uncut = _Uncut(CatalogueSource, SOURCE_NAME_LIMIT)
    # Driver values (SQLite gives text), each distinct one converted once.
    since_cells = Memo(lambda value: iso_datetime(utc(value)))
    for chunk in batched(pks, DB_CHUNK, strict=False):
        by_connector = _sources_by_connector(sources, chunk, sources_uncut)
        listed = list(_in_order(chunk, map(ListedConnector._make, connectors.rows(chunk))))
        full_names = uncut.names(listed, pk_at=0, name_at=ListedConnector._fields.index("name"))
        for c in listed:
            removed_at = utc(c.removed_at)
            yield [
                safe_text(c.uuid),
                number(c.powens_id),
                safe_text(full_names.get(c.pk, c.name)),
                safe_text(c.slug),
                safe_text(c.code),
                state_label(removed_at, c.hidden),
                BOOL[c.hidden],
                BOOL[c.beta],
                BOOL[c.restricted],
                BOOL[c.charged],
                BOOL[c.pay_capable],
                safe_text(c.auth_mechanism),
                list_cells[c.auth_mechanisms],
                list_cells[c.products],
                list_cells[c.capabilities],
                *country_cells[c.countries],
                *source_cells[tuple(by_connector.get(c.pk, ()))],
                iso_datetime(removed_at),
                safe_text(c.stability_status),
                since_cells[c.stability_since],
            ]


def _field_row(connector: tuple, kind: str, position: int, field: Mapping[str, Any]) -> list[Cell]:
    uuid, powens_id, name = connector
    return [
        safe_text(uuid),
        number(powens_id),
        safe_text(name),
        kind,
        position,
        text(field.get("name")),
        text(field.get("label")),
        text(field.get("type")),
        boolean(field.get("required")),
        text(field.get("regex")),
        as_json(field.get("values")),
        joined(field.get("auth_mechanisms")),
        joined(field.get("connector_sources")),
        text(field.get("description")),
    ]


def field_rows(pks: Sequence[int]) -> Iterator[list[Cell]]:
    """One row per connector field, then per payment field, in the order Powens sent them."""
    uncut = _Uncut(CatalogueConnector, NAME_LIMIT)
    for chunk in batched(pks, DB_CHUNK, strict=False):
        loaded = CatalogueConnector.objects.filter(pk__in=chunk).values_list(
            "pk", "uuid", "powens_id", "name", "raw__fields", "raw__payment_fields"
        )
        rows = list(_in_order(chunk, loaded))
        full_names = uncut.names(rows, pk_at=0, name_at=3)
        for pk, uuid, powens_id, name, fields, payment_fields in rows:
            connector = (uuid, powens_id, full_names.get(pk, name))
            for kind, items in (("field", fields), ("payment_field", payment_fields)):
                for position, field in enumerate(list_of_mappings(items) or [], start=1):
                    yield _field_row(connector, kind, position, field)


def source_rows(pks: Sequence[int]) -> Iterator[list[Cell]]:
    """One row per source of each connector, in the detail page's order."""
    connectors_uncut = _Uncut(CatalogueConnector, NAME_LIMIT)
    sources_uncut = _Uncut(CatalogueSource, SOURCE_NAME_LIMIT)
    since_cells = Memo(iso_datetime)  # a date is formatted once, however many sources share it
    for chunk in batched(pks, DB_CHUNK, strict=False):
        loaded = (
            CatalogueSource.objects.filter(connector_id__in=chunk)
            .order_by(*_SOURCE_ORDER)
            .values_list(
                "connector_id",
                "connector__uuid",
                "connector__powens_id",
                "connector__name",
                "source_id",
                "name",
                "priority",
                "auth_mechanism",
                "disabled",
                "disabled_at",
                "stability_status",
                "raw__fallback",
                "stability_since",
                "pk",
            )
        )
        grouped: dict[int, list[list[Any]]] = defaultdict(list)
        for connector_id, *row in loaded:
            grouped[connector_id].append(row)
        firsts = [(pk, rows[0][2]) for pk, rows in grouped.items()]
        connector_names = connectors_uncut.names(firsts, pk_at=0, name_at=1)
        source_names = sources_uncut.names(
            [row for rows in grouped.values() for row in rows], pk_at=-1, name_at=4
        )
        for pk in chunk:
            for row in grouped.get(pk, ()):
                yield [
                    safe_text(row[0]),
                    number(row[1]),
                    safe_text(connector_names.get(pk, row[2])),
                    number(row[3]),
                    safe_text(source_names.get(row[-1], row[4])),
                    number(row[5]),
                    safe_text(row[6]),
                    "disabled" if row[7] else "enabled",
                    iso_datetime(row[8]),
                    safe_text(row[9]),
                    text(row[10]) if isinstance(row[10], str) else "",
                    since_cells[row[11]],
                ]
