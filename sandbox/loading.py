"""Loading a catalogue (API list-response objects) into the sandbox tables, in bulk.

Loading is an upsert keyed by connector UUID: loading the same catalogue twice leaves the same
state, and a connector's sources are replaced with the ones given. ``replace=True`` starts from
an empty sandbox. Everything happens in one transaction, so an invalid catalogue changes nothing.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from sandbox.domains import id_offset
from sandbox.models import SandboxConnector, SandboxSource

BATCH_SIZE = 1000
_CONNECTOR_COLUMNS = {"id", "uuid", "name", "hidden", "sources"}
_SOURCE_COLUMNS = {"id", "id_connector", "priority", "disabled"}


class CatalogueError(ValueError):
    """The catalogue is not in the API's shape; the message says where."""


def chunks[T](items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def integer_range() -> tuple[int, int]:
    """What the database stores in an IntegerField (64 bits on SQLite, 32 on PostgreSQL);
    a larger value fails the whole statement instead of matching or saving nothing."""
    return connection.ops.integer_field_range("IntegerField")


def fits_integer_column(value: int) -> bool:
    low, high = integer_range()
    return low <= value <= high


def _shown(value: Any) -> str:
    """A bad value as the file spells it, cut short: the message must stay one line."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else f"{text[:39]}…"


def _check_int(value: Any, where: str, field: str, *, minimum: int | None = None) -> None:
    """An integer column's value: a JSON integer (not true, 1.5 or "2") the column can hold,
    or null (= not given). Ids are never negative (POWENS_API.md §2)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogueError(f"{where}: {field} must be an integer, not {_shown(value)}.")
    low, high = integer_range()
    low = low if minimum is None else max(low, minimum)
    if not low <= value <= high:
        raise CatalogueError(f"{where}: {field} {value} is out of range ({low} to {high}).")


def _named(index: int, data: dict[str, Any]) -> str:
    """How messages name a connector: its position in the file, then its uuid and name as
    given, so the record can be found whichever the reader searches for."""
    known = [data["uuid"]] if isinstance(data.get("uuid"), str) else []
    if isinstance(data.get("name"), str):
        known.append(json.dumps(data["name"], ensure_ascii=False))
    return f"connector #{index}" + (f" ({', '.join(known)})" if known else "")


def _validate_sources(where: str, sources: Any) -> None:
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise CatalogueError(f"{where}: sources must be a list of objects.")
    for position, source in enumerate(sources):
        named = f"{where} source #{position}"
        if isinstance(source.get("id"), int):
            named += f" (id {source['id']})"
        _check_int(source.get("id"), named, "id", minimum=0)
        _check_int(source.get("priority"), named, "priority")
        if not isinstance(source.get("disabled"), str | None):
            raise CatalogueError(f"{named}: disabled must be a datetime or null.")


def _validate_connector(index: int, data: Any, uuids: set[str]) -> None:
    if not isinstance(data, dict):
        raise CatalogueError(f"connector #{index} is not an object.")
    where = _named(index, data)
    try:
        normal = str(uuid_module.UUID(data["uuid"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise CatalogueError(f"{where}: missing or invalid uuid.") from None
    if normal in uuids:
        raise CatalogueError(f"{where}: duplicate uuid {normal}.")
    uuids.add(normal)
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise CatalogueError(f"{where}: missing name.")
    _check_int(data.get("id"), where, "id", minimum=0)
    if not isinstance(data.get("hidden"), bool | None):
        raise CatalogueError(f"{where}: hidden must be a boolean or null.")
    _validate_sources(where, data.get("sources") or [])
    countries = data.get("countries") or []
    if not isinstance(countries, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) for c in countries
    ):
        raise CatalogueError(f"{where}: countries must be a list of {{'id', 'name'}}.")


def _validate(connectors: Any) -> list[dict[str, Any]]:
    """Refuse the whole catalogue at its first bad record, named with the field and why:
    the database would otherwise fail half-way with a traceback that says neither."""
    if not isinstance(connectors, list):
        raise CatalogueError("The catalogue must be a list of connector objects.")
    uuids: set[str] = set()
    for index, data in enumerate(connectors):
        _validate_connector(index, data, uuids)
    return connectors


def _rows(
    connectors: list[dict[str, Any]],
    next_connector_id: Iterator[int],
    next_source_id: Iterator[int],
) -> tuple[list[SandboxConnector], list[SandboxSource]]:
    connector_rows: list[SandboxConnector] = []
    source_rows: list[SandboxSource] = []
    for data in connectors:
        codes = [c["id"].lower() for c in data.get("countries") or []]
        connector = SandboxConnector(
            id=data["id"] if data.get("id") is not None else next(next_connector_id),
            uuid=str(uuid_module.UUID(data["uuid"])),
            name=data["name"],
            hidden=data.get("hidden"),
            country_codes="," + "".join(f"{code}," for code in codes),
            pay_capable=isinstance(data.get("payment_settings"), dict),
            document={k: v for k, v in data.items() if k not in _CONNECTOR_COLUMNS},
        )
        connector_rows.append(connector)
        for position, source in enumerate(data.get("sources") or []):
            source_rows.append(
                SandboxSource(
                    id=source["id"] if source.get("id") is not None else next(next_source_id),
                    connector_id=connector.id,
                    priority=position if source.get("priority") is None else source["priority"],
                    disabled=source.get("disabled"),
                    document={k: v for k, v in source.items() if k not in _SOURCE_COLUMNS},
                )
            )
    return connector_rows, source_rows


def _free_ids(model: type[SandboxConnector | SandboxSource], given: list[Any]) -> Iterator[int]:
    """Ids for objects that came without one: above every existing and given id, as long as
    the column can hold them (a file may well give the largest id there is)."""
    last = max([i for i in given if i is not None] + [0])
    # Every domain's: ids are primary keys across the sandbox's domains.
    existing = model.all_domains.order_by("-id").values_list("id", flat=True).first() or 0
    top = max(last, existing)
    yield from range(top + 1, integer_range()[1] + 1)
    name = model._meta.verbose_name
    raise CatalogueError(f"No {name} id is left above {top} for the ones given without an id.")


def _check_collisions(
    connectors: list[SandboxConnector], sources: list[SandboxSource], *, against_db: bool
) -> set[int]:
    """Ids are primary keys: refuse to silently overwrite a different connector or source.
    Returns the ids of this domain's connectors that the catalogue reloads (by UUID)."""
    if len({c.id for c in connectors}) != len(connectors):
        raise CatalogueError("Duplicate connector ids in the catalogue.")
    if len({s.id for s in sources}) != len(sources):
        raise CatalogueError("Duplicate source ids in the catalogue.")
    if not against_db:
        return set()
    loading = {c.uuid for c in connectors}
    replaced: set[int] = set()
    for chunk in chunks([c.id for c in connectors]):
        ids = SandboxConnector.all_domains.filter(id__in=chunk).values_list("id", "uuid")
        for cid, cuuid in ids:
            if cuuid not in loading:
                raise CatalogueError(f"Connector id {cid} is already used by {cuuid}.")
    for uuid_chunk in chunks(sorted(loading)):
        replaced.update(
            SandboxConnector.objects.filter(uuid__in=uuid_chunk).values_list("id", flat=True)
        )
    for chunk in chunks([s.id for s in sources]):
        owners = SandboxSource.all_domains.filter(id__in=chunk).values_list("id", "connector_id")
        for sid, owner in owners:
            if owner not in replaced:
                raise CatalogueError(f"Source id {sid} already belongs to connector {owner}.")
    return replaced


def _offset_ids(connectors: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """The connectors with this domain's ids (``sandbox.domains.id_offset``), as copies."""
    if not offset:
        return connectors

    def moved(data: dict[str, Any]) -> dict[str, Any]:
        given = data.get("id")
        return {**data, "id": given + offset} if isinstance(given, int) else data

    return [
        {**moved(c), "sources": [moved(s) for s in c.get("sources") or []]}
        if isinstance(c, dict)
        else c
        for c in connectors
    ]


def _delete_connectors(ids: list[int]) -> None:
    """Remove these connectors and their sources, ``BATCH_SIZE`` ids a statement: the
    connectors by primary key, and their sources by Django's cascade, by ``connector_id``.

    Not ``SandboxSource.objects.filter(connector__…).delete()``: a delete through a join is
    ``id IN (SELECT … FROM sandboxsource JOIN sandboxconnector …)``, a self-join PostgreSQL
    plans as nested loops without an index condition once its statistics say the tables are
    empty (autovacuum ran while the rows now being replaced were uncommitted): minutes for a
    few thousand sources, quadratic in their number."""
    for chunk in chunks(ids):
        SandboxConnector.all_domains.filter(id__in=chunk).delete()


@transaction.atomic
def load_catalogue(connectors: list[dict[str, Any]], *, replace: bool = False) -> int:
    """Upsert connectors (API objects with expanded fields and sources) into the current
    sandbox domain; returns how many."""
    _validate(connectors)
    connectors = _offset_ids(connectors, id_offset())
    if replace:
        _delete_connectors(list(SandboxConnector.objects.values_list("id", flat=True)))
    given_sources = [s.get("id") for c in connectors for s in c.get("sources") or []]
    connector_rows, source_rows = _rows(
        connectors,
        _free_ids(SandboxConnector, [c.get("id") for c in connectors]),
        _free_ids(SandboxSource, given_sources),
    )
    # After a replace, nothing is left to reload over.
    reloaded = _check_collisions(connector_rows, source_rows, against_db=not replace)
    _delete_connectors(sorted(reloaded))
    SandboxConnector.objects.bulk_create(connector_rows, batch_size=BATCH_SIZE)
    SandboxSource.objects.bulk_create(source_rows, batch_size=BATCH_SIZE)
    return len(connector_rows)
