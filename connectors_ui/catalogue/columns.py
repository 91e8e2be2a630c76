"""The local copy's columns: their names (as written by a refresh, as read by the list and the
export), how they are built from the client's typed connectors, and what changed between two
versions of a connector's JSON.

One vocabulary: a column is the typed object's value wherever the client reads it the way the
copy stores it (uuid, flags, colour, Pay settings, ``raw``). Where the copy is deliberately more
forgiving than the typed objects (a number sent in place of a documented string is kept as text,
a source id sent as digits still counts), the column reads the same ``raw`` value with the
client's own lenient readers (``powens.parse``), never with a toolkit of its own. Upstream enums
are open and its data untrusted, so one odd connector never breaks a refresh or a page.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from connectors_ui.catalogue.stability import (
    StabilityView,
    connector_stability,
    stability_of,
    stability_view,
)
from connectors_ui.powens import parse as p
from connectors_ui.powens.types import Connector

HEX_COLOR = re.compile(r"[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
# Keys compared on their own (hidden, fields, sources) or too noisy to report (stability dates).
_DETAIL_IGNORED_KEYS = {"hidden", "fields", "sources", "stability"}
# The stored names' sizes (CatalogueConnector.name, CatalogueSource.name).
NAME_LIMIT = 500
SOURCE_NAME_LIMIT = 200


class ConnectorColumns(NamedTuple):
    """A CatalogueConnector row's stored columns, by model field name."""

    uuid: str
    powens_id: int | None
    name: str
    slug: str
    code: str
    color: str
    hidden: bool
    beta: bool
    restricted: bool
    charged: bool
    pay_capable: bool
    auth_mechanism: str
    auth_mechanisms: list[str]
    products: list[str]
    capabilities: list[str]
    countries: list[list[str]]
    stability_status: str
    stability_since: datetime | None
    raw: dict[str, Any]
    raw_hash: str


class SourceColumns(NamedTuple):
    """A CatalogueSource row's stored columns (without its connector), by model field name."""

    source_id: int
    name: str
    auth_mechanism: str
    disabled: bool
    disabled_at: datetime | None
    priority: int | None
    stability_status: str
    stability_since: datetime | None
    raw: dict[str, Any]


ELLIPSIS = "…"


def clipped(value: Any, limit: int) -> str:
    """``_text()`` for a display name: when it is cut, its last character is "…", so nothing
    shows a cut name as whole (the raw JSON and the exports keep the full value)."""
    whole = _text(value, limit=limit + 1)
    return whole if len(whole) <= limit else whole[: limit - 1] + ELLIPSIS


class ListedConnector(NamedTuple):
    """A stored connector's columns as the index, the list page and the connectors export read
    them (no raw JSON): by name, never by position."""

    pk: int
    uuid: str
    powens_id: int | None
    name: str
    slug: str
    code: str
    hidden: bool
    beta: bool
    restricted: bool
    charged: bool
    pay_capable: bool
    auth_mechanism: str
    removed_at: datetime | None
    stability_status: str
    stability_since: datetime | None
    # The JSON lists, last: a raw query may read them as text (exports.fetch), and SQL puts such
    # annotations after the plain columns. Decoded lists here, their JSON text in the export.
    auth_mechanisms: Any
    products: Any
    capabilities: Any
    countries: Any


JSON_LISTS = ("auth_mechanisms", "products", "capabilities", "countries")
PLAIN_COLUMNS = tuple(name for name in ListedConnector._fields if name not in JSON_LISTS)

# What a newer version of a connector rewrites in its row (the uuid is how it was found).
UPDATED_COLUMNS = tuple(name for name in ConnectorColumns._fields if name != "uuid")


def _text(value: Any, limit: int = 500) -> str:
    """A text column: the value's text, "" when it has none, cut to the column's length."""
    return (p.as_text(value) or "")[:limit]


def valid_color(value: Any) -> str:
    """The colour as lower-case hex without '#', or "" when it is not a 3/6-digit hex colour."""
    if isinstance(value, str) and HEX_COLOR.fullmatch(value.strip().lstrip("#")):
        return value.strip().lstrip("#").lower()
    return ""


def raw_hash(raw: Mapping[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def connector_uuid(connector: Connector) -> str:
    """The key of the connector's row: its uuid, trimmed and lower-cased ("" = unusable)."""
    return connector.uuid[:64].strip().lower()


def _countries(value: Any) -> list[list[str]]:
    """``[[code, name], …]``: country objects with an id, or bare codes."""
    countries = []
    for country in p.as_list(value):
        if isinstance(country, Mapping) and p.as_text(country.get("id")):
            code = _text(country.get("id"), 10).lower()
            countries.append([code, _text(country.get("name"), 100) or code.upper()])
        elif isinstance(country, str) and country:
            countries.append([country.lower()[:10], country.upper()[:10]])
    return countries


def connector_columns(connector: Connector) -> ConnectorColumns:
    """The denormalised columns of CatalogueConnector for one connector Powens sent."""
    raw = connector.raw
    uuid = connector_uuid(connector)
    auth = _text(raw.get("auth_mechanism"), 100)
    available = p.as_text_tuple(raw.get("available_auth_mechanisms"))
    products = list(p.as_text_tuple(raw.get("products")))
    stability = stability_of_raw(raw)
    return ConnectorColumns(
        uuid=uuid,
        powens_id=p.as_int_or_digits(raw.get("id")),
        name=clipped(raw.get("name"), NAME_LIMIT) or f"(unnamed connector {uuid})",
        slug=_text(raw.get("slug"), 200),
        code=_text(raw.get("code"), 200),
        color=valid_color(connector.color),
        hidden=connector.hidden is True,
        beta=connector.beta is True,
        restricted=connector.restricted is True,
        charged=connector.charged is True,
        pay_capable=connector.payment_settings is not None or "pay" in products,
        auth_mechanism=auth,
        auth_mechanisms=list(dict.fromkeys(([auth] if auth else []) + list(available))),
        products=products,
        capabilities=list(p.as_text_tuple(raw.get("capabilities"))),
        countries=_countries(raw.get("countries")),
        stability_status=stability.received or "",
        stability_since=stability.since,
        raw=dict(raw),
        raw_hash=raw_hash(raw),
    )


def source_columns(raw: Mapping[str, Any]) -> SourceColumns | None:
    """CatalogueSource columns for one raw source, or None when it has no usable id."""
    source_id = p.as_int_or_digits(raw.get("id"))
    if source_id is None:
        return None
    disabled = raw.get("disabled")
    stability = stability_of(raw.get("stability"))
    return SourceColumns(
        source_id=source_id,
        name=clipped(raw.get("name"), SOURCE_NAME_LIMIT) or f"source {source_id}",
        auth_mechanism=_text(raw.get("auth_mechanism"), 100),
        disabled=disabled not in (None, False, ""),
        disabled_at=p.as_datetime(disabled),
        priority=p.as_int_or_digits(raw.get("priority")),
        stability_status=stability.received or "",
        stability_since=stability.since,
        raw=dict(raw),
    )


def stability_of_raw(raw: Mapping[str, Any]) -> StabilityView:
    """The connector's stability columns' value: its own ``stability``, else its enabled
    sources' as the copy stores them (``catalogue.stability``)."""
    sources = [
        (s.disabled, stability_view(s.stability_status, s.stability_since)) for s in sources_of(raw)
    ]
    return connector_stability(raw.get("stability"), sources)


def sources_of(raw: Mapping[str, Any]) -> list[SourceColumns]:
    """Source columns for every usable source in a connector's JSON (duplicates by id dropped).

    From ``raw`` rather than the typed ``Connector.sources``: those skip a source whose id is
    sent as digits, which the copy keeps (see ``powens.parse.as_int_or_digits``).
    """
    found: dict[int, SourceColumns] = {}
    for item in p.as_list(raw.get("sources")):
        if isinstance(item, Mapping) and (columns := source_columns(item)):
            found.setdefault(columns.source_id, columns)
    return list(found.values())


def _state(raw: Mapping[str, Any]) -> str:
    return "hidden" if raw.get("hidden") is True else "enabled"


def _by_key(items: Any, key: str) -> dict[str, Any]:
    return {str(item.get(key)): item for item in p.as_list(items) if isinstance(item, Mapping)}


def _describe_source(source: Mapping[str, Any]) -> str:
    return f"{_text(source.get('name')) or '?'} #{_text(source.get('id'))}"


def _sources_summary(old: Any, new: Any) -> str:
    before, after = _by_key(old, "id"), _by_key(new, "id")
    parts = [f"added {_describe_source(after[k])}" for k in after.keys() - before.keys()]
    parts += [f"removed {_describe_source(before[k])}" for k in before.keys() - after.keys()]
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        label = _describe_source(now)
        if (was.get("disabled") in (None, False)) != (now.get("disabled") in (None, False)):
            parts.append(
                f"{label} {'enabled' if now.get('disabled') in (None, False) else 'disabled'}"
            )
        for prop in ("priority", "auth_mechanism"):
            if was.get(prop) != now.get(prop):
                parts.append(f"{label} {prop} {was.get(prop)} → {now.get(prop)}")
    return "; ".join(sorted(parts)) or "source details changed"


def _fields_summary(old: Any, new: Any) -> str:
    before, after = _by_key(old, "name"), _by_key(new, "name")
    parts = [f"added {k}" for k in sorted(after.keys() - before.keys())]
    parts += [f"removed {k}" for k in sorted(before.keys() - after.keys())]
    parts += [f"changed {k}" for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    return "; ".join(parts) or "field order changed"


def connector_diff(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """(kind, summary, before, after) for each kind of change between two raw versions.

    Keys absent from ``new`` are not compared: a write's answer may lack the expanded lists.
    """
    changes: list[tuple[str, str, Any, Any]] = []
    if _state(old) != _state(new):
        changes.append(("hidden", f"{_state(old)} → {_state(new)}", _state(old), _state(new)))
    if "fields" in new and old.get("fields") != new.get("fields"):
        summary = _fields_summary(old.get("fields"), new.get("fields"))
        changes.append(("fields", summary, old.get("fields"), new.get("fields")))
    if "sources" in new and _comparable_sources(old.get("sources")) != _comparable_sources(
        new.get("sources")
    ):
        summary = _sources_summary(old.get("sources"), new.get("sources"))
        changes.append(("sources", summary, old.get("sources"), new.get("sources")))
    keys = sorted(
        k
        for k in (old.keys() | new.keys()) - _DETAIL_IGNORED_KEYS
        if k in new and old.get(k) != new.get(k)
    )
    stability = _stability_status(old), _stability_status(new)
    if "stability" in new and stability[0] != stability[1]:
        keys.append(f"stability {stability[0]} → {stability[1]}")
    if keys:
        before = {k: old.get(k) for k in keys if k in old or k in new}
        after = {k: new.get(k) for k in keys if k in old or k in new}
        changes.append(("details", "changed " + ", ".join(keys), before, after))
    return changes


def _stability_status(raw: Mapping[str, Any]) -> str:
    stability = raw.get("stability")
    return _text(stability.get("status")) if isinstance(stability, Mapping) else ""


def _comparable_sources(sources: Any) -> list[Any]:
    """Sources without their stability timestamps, which move on every refresh."""
    return [
        {k: v for k, v in item.items() if k != "stability"} if isinstance(item, Mapping) else item
        for item in p.as_list(sources)
    ]
