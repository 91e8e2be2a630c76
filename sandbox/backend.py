"""Sandbox state and rules: what E1–E8 read and write, independent of HTTP.

Views parse and call one function here; tests may use the state helpers directly
(``set_connector_hidden``, ``set_source_disabled``) to simulate someone else changing the domain.
Every function raises ``sandbox.errors.ApiError`` for anything the API reports as an error.
"""

from __future__ import annotations

import re
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Prefetch, Q

from sandbox.catalogue import DATETIME_FORMAT, bundled_catalogue, generated_catalogue
from sandbox.errors import ApiError, invalid, missing, not_found
from sandbox.loading import chunks, fits_integer_column, load_catalogue
from sandbox.models import SandboxConnector, SandboxSource

__all__ = [
    "bundled_catalogue",
    "generated_catalogue",
    "load_catalogue",
    "EXPANDABLE",
]

EXPANDABLE = ("sources", "fields", "payment_fields", "countries", "urls")
# ASCII digits only: ``\d`` and int() also read "٣" as 3, which E2 rightly does not.
IDS_PATTERN = re.compile(r"^[0-9]+(,[0-9]+)*$")
# Unknown stability values (the enum is open) rank between "stable" and "unstable".
_STABILITY_RANK = {"stable": 0, "unstable": 2, "down": 3}


def now_string() -> str:
    return datetime.now(UTC).strftime(DATETIME_FORMAT)


# --- rendering -----------------------------------------------------------------------------


def render_source(source: SandboxSource | _SourceRow) -> dict[str, Any]:
    return {
        "id": source.id,
        "id_connector": source.connector_id,
        **source.document,
        "priority": source.priority,
        "disabled": source.disabled,
    }


def _stability(connector: SandboxConnector | _Row, sources: Sequence[Any]) -> Any:
    """The worst status among enabled sources, as seen in real responses."""
    seen = [
        s.document["stability"]
        for s in sources
        if s.disabled is None
        and isinstance(s.document.get("stability"), dict)
        and isinstance(s.document["stability"].get("status"), str)
    ]
    if not seen:
        return connector.document.get("stability")
    worst = max(seen, key=lambda st: _STABILITY_RANK.get(st["status"], 1))
    updates = [st["last_update"] for st in seen if isinstance(st.get("last_update"), str)]
    return {"status": worst["status"], "last_update": max(updates) if updates else None}


class _Row(NamedTuple):
    """A connector row read without model instances (the list endpoint reads thousands)."""

    id: int
    uuid: str
    name: str
    hidden: bool | None
    document: dict[str, Any]


class _SourceRow(NamedTuple):
    id: int
    connector_id: int
    priority: int
    disabled: str | None
    document: dict[str, Any]


def render_connector(
    connector: SandboxConnector | _Row,
    expand: Iterable[str] = (),
    sources: Sequence[SandboxSource | _SourceRow] | None = None,
) -> dict[str, Any]:
    """The API object; non-expanded sub-resources are absent, expanded ones always lists."""
    if sources is None:
        assert isinstance(connector, SandboxConnector)
        sources = list(connector.sources.all())
    data: dict[str, Any] = {
        "id": connector.id,
        "uuid": connector.uuid,
        "name": connector.name,
        "hidden": connector.hidden,
    }
    data.update((k, v) for k, v in connector.document.items() if k not in EXPANDABLE)
    stability = _stability(connector, sources)
    if stability is not None:
        data["stability"] = stability
    for key in EXPANDABLE:
        if key not in expand:
            continue
        if key == "sources":
            data["sources"] = [render_source(s) for s in sources]
        else:
            data[key] = connector.document.get(key) or []
    return data


def _connectors() -> Any:
    # The sources of connectors already chosen by domain: ``all_domains``, so their query
    # needs no join back to the connectors (see ``list_connectors``).
    sources = SandboxSource.all_domains.order_by("priority", "id")
    return SandboxConnector.objects.prefetch_related(Prefetch("sources", queryset=sources))


# --- lookups -------------------------------------------------------------------------------


def _storable(ids: Iterable[int]) -> list[int]:
    """The ids a connector row can have. Larger ones (POWENS_API.md: "≥ 2^63 are 404") name
    nothing, and SQLite refuses to even compare with them (OverflowError, a 500)."""
    return [i for i in ids if fits_integer_column(i)]


def _normal_uuid(ref: str) -> str | None:
    try:
        return str(uuid_module.UUID(ref))
    except (ValueError, AttributeError, TypeError):
        return None


def _connector(ref: str | int, *, for_update: bool = False) -> SandboxConnector:
    """A connector by UUID or by its integer id on this domain (POWENS_API.md §2: every path
    that takes a UUID also takes the id)."""
    queryset = _connectors()
    if for_update:
        queryset = queryset.select_for_update()
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):
        lookup: dict[str, Any] = {"id": int(ref)}
    else:
        normal = _normal_uuid(ref)
        if normal is None:
            raise not_found("Connector")
        lookup = {"uuid": normal}
    try:
        return queryset.get(**lookup)
    except SandboxConnector.DoesNotExist:
        raise not_found("Connector") from None


def _source(connector: SandboxConnector, source_id: int | str) -> SandboxSource:
    for source in connector.sources.all():
        if str(source.id) == str(source_id):
            return source
    raise not_found("Source")


# --- reads (E1, E2, E6, E7) ----------------------------------------------------------------


def list_connectors(
    *,
    expand: Sequence[str] = (),
    country_codes: Sequence[str] = (),
    id_payment: int | None = None,
    include_hidden: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    queryset = _connectors()
    if not include_hidden:
        queryset = queryset.exclude(hidden=True)
    if country_codes:
        matches = Q()
        for code in country_codes:
            matches |= Q(country_codes__contains=f",{code.lower()},")
        queryset = queryset.filter(matches)
    if id_payment is not None:
        queryset = queryset.filter(pay_capable=True)
    total = queryset.count()
    page = queryset[offset : offset + limit] if limit is not None else queryset[offset:]
    rows = [_Row(*values) for values in page.values_list(*_Row._fields)]
    sources: dict[int, list[_SourceRow]] = defaultdict(list)
    for chunk in chunks([row.id for row in rows]):
        # ``all_domains``: these connectors are the domain's already. Through ``objects``
        # the query joins them again, which PostgreSQL plans as a nested loop without an
        # index condition when its statistics say the tables are empty (quadratic).
        in_chunk = SandboxSource.all_domains.filter(connector_id__in=chunk)
        for values in in_chunk.values_list(*_SourceRow._fields):
            sources[values[1]].append(_SourceRow(*values))
    for group in sources.values():
        group.sort(key=lambda source: (source.priority, source.id))
    connectors = [render_connector(row, expand, sources.get(row.id, [])) for row in rows]
    return {"connectors": connectors, "total": total}


def get_connector(ref: str | int, *, expand: Sequence[str] = ()) -> dict[str, Any]:
    return render_connector(_connector(ref), expand)


def list_sources(ref: str, *, country_codes: Sequence[str] = ()) -> dict[str, Any]:
    connector = _connector(ref)
    sources = list(connector.sources.all())
    codes = {c.lower() for c in country_codes}
    if codes and not codes & set(filter(None, connector.country_codes.split(","))):
        sources = []
    return {"sources": [render_source(s) for s in sources], "total": len(sources)}


def get_source(ref: str, source_id: int | str) -> dict[str, Any]:
    return render_source(_source(_connector(ref), source_id))


# --- writes (E3, E4, E5, E8) ---------------------------------------------------------------


def _connector_changes(body: Any) -> dict[str, Any]:
    """Validate a ConnectorUpdateRequest; only the fields present are changed."""
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    changes: dict[str, Any] = {}
    if "hidden" in body:
        if not isinstance(body["hidden"], bool):
            raise invalid("hidden must be a boolean.")
        changes["hidden"] = body["hidden"]
    if "sync_periodicity" in body:
        value = body["sync_periodicity"]
        if isinstance(value, bool) or not isinstance(value, int | float | type(None)):
            raise invalid("sync_periodicity must be a number.")
        changes["sync_periodicity"] = value
    if not changes:
        raise missing("hidden")
    return changes


def _apply_connector_changes(connector: SandboxConnector, changes: Mapping[str, Any]) -> None:
    if "hidden" in changes:
        connector.hidden = changes["hidden"]
    if "sync_periodicity" in changes:
        connector.document["sync_frequency"] = changes["sync_periodicity"]
    connector.save(update_fields=["hidden", "document"])


def update_connector(ref: str, body: Any) -> dict[str, Any]:
    """E3: PUT /connectors/{uuid}; also E5 with one integer id, which the vendor's older spec
    answers with the Connector, not a list (POWENS_API.md §2)."""
    changes = _connector_changes(body)
    with transaction.atomic():
        connector = _connector(ref, for_update=True)
        _apply_connector_changes(connector, changes)
    return render_connector(connector)


def batch_update_connectors(body: Any) -> dict[str, Any]:
    """E4: PATCH /connectors {uuid: ConnectorUpdateRequest}; all or nothing."""
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object keyed by connector UUID.")
    planned: dict[str, dict[str, Any]] = {}
    for key, value in body.items():
        normal = _normal_uuid(key)
        if normal is None:
            raise invalid(f"{key!r} is not a connector UUID.")
        planned[normal] = _connector_changes(value)
    with transaction.atomic():
        found = {c.uuid: c for c in _connectors().select_for_update().filter(uuid__in=planned)}
        unknown = sorted(set(planned) - set(found))
        if unknown:
            raise not_found(f"Connector {', '.join(unknown)}")
        for key, changes in planned.items():
            _apply_connector_changes(found[key], changes)
    updated = [render_connector(found[key]) for key in planned]
    return {"connectors": updated, "total": len(updated)}


def update_connectors_by_ids(ids_text: str, body: Any) -> dict[str, Any]:
    """E5 (deprecated): PUT /connectors/{id1,id2,…}; all or nothing."""
    ids = list(dict.fromkeys(int(part) for part in ids_text.split(",")))
    changes = _connector_changes(body)
    with transaction.atomic():
        queryset = _connectors().select_for_update().filter(id__in=_storable(ids))
        found = {c.id: c for c in queryset}
        unknown = [str(i) for i in ids if i not in found]
        if unknown:
            raise ApiError(404, "notFound", f"Unknown connector id: {', '.join(unknown)}.")
        for connector_id in ids:
            _apply_connector_changes(found[connector_id], changes)
    updated = [render_connector(found[i]) for i in ids]
    return {"connectors": updated, "total": len(updated)}


def parse_disabled(value: Any) -> str | None:
    """A datetime string disables since then, null re-enables; true = now, false = null."""
    if value is None or value is False:
        return None
    if value is True:
        return now_string()
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise invalid("disabled must be a datetime 'YYYY-MM-DD HH:MM:SS' or null.") from None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC)
        return parsed.strftime(DATETIME_FORMAT)
    raise invalid("disabled must be a datetime 'YYYY-MM-DD HH:MM:SS' or null.")


def _source_changes(source: SandboxSource, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    changes: dict[str, Any] = {}
    if "disabled" in body:
        changes["disabled"] = parse_disabled(body["disabled"])
    if "auth_mechanism" in body:
        value = body["auth_mechanism"]
        available = source.document.get("available_auth_mechanisms") or []
        if value is not None and (not isinstance(value, str) or value not in available):
            raise invalid(f"auth_mechanism must be one of: {', '.join(available)}.")
        changes["auth_mechanism"] = value
    if not changes:
        raise missing("disabled")
    return changes


def update_source(ref: str, source_id: int | str, body: Any) -> dict[str, Any]:
    """E8: PUT /connectors/{uuid}/sources/{id}; the connector may be named by its integer id,
    as in the reads (E6, E7)."""
    with transaction.atomic():
        source = _source(_connector(ref, for_update=True), source_id)
        changes = _source_changes(source, body)
        if "disabled" in changes:
            source.disabled = changes["disabled"]
        if "auth_mechanism" in changes:
            source.document["auth_mechanism"] = changes["auth_mechanism"]
        source.save(update_fields=["disabled", "document"])
    return render_source(source)


# --- direct state helpers (tests, demos) ---------------------------------------------------


def set_connector_hidden(uuid: str, hidden: bool | None) -> None:
    """Change a connector as if someone else did it in the Powens console."""
    updated = SandboxConnector.objects.filter(uuid=_normal_uuid(uuid)).update(hidden=hidden)
    if not updated:
        raise not_found("Connector")


def set_source_disabled(uuid: str, source_id: int, when: datetime | str | bool | None) -> None:
    """Disable (datetime/str/True) or re-enable (None/False) a source behind the app's back."""
    value = when.astimezone(UTC).strftime(DATETIME_FORMAT) if isinstance(when, datetime) else when
    disabled = parse_disabled(value)
    updated = SandboxSource.objects.filter(id=source_id, connector__uuid=_normal_uuid(uuid)).update(
        disabled=disabled
    )
    if not updated:
        raise not_found("Source")
