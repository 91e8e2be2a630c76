"""Turn one connector's raw JSON into our columns, and say what changed between two versions.

Upstream data is untrusted and its enums are open: every reader here tolerates missing keys,
wrong types and unknown values, so one odd connector never breaks a refresh or a page.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from connectors_ui.powens import parse_powens_datetime

HEX_COLOR = re.compile(r"[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
# Keys compared on their own (hidden, fields, sources) or too noisy to report (stability dates).
_DETAIL_IGNORED_KEYS = {"hidden", "fields", "sources", "stability"}
# The stored names' sizes (CatalogueConnector.name, CatalogueSource.name).
NAME_LIMIT = 500
SOURCE_NAME_LIMIT = 200


def text(value: Any, limit: int = 500) -> str:
    """A string column from any JSON value: None becomes "", other scalars their str()."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)[:limit]


ELLIPSIS = "…"


def clipped(value: Any, limit: int) -> str:
    """``text()`` for a display name: when it is cut, its last character is "…", so nothing
    shows a cut name as whole (the raw JSON and the exports keep the full value)."""
    whole = text(value, limit=limit + 1)
    return whole if len(whole) <= limit else whole[: limit - 1] + ELLIPSIS


def strings(value: Any) -> list[str]:
    """A list of non-empty strings from a JSON value that should be a list of strings."""
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if isinstance(item, str | int | float) and str(item) != ""]


def listed(value: Any) -> list[Any]:
    """The value when it is a JSON list, else an empty list (never iterate a string)."""
    return value if isinstance(value, list) else []


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdecimal():
        return int(value)
    return None


def valid_color(value: Any) -> str:
    """The colour as lower-case hex without '#', or "" when it is not a 3/6-digit hex colour."""
    if isinstance(value, str) and HEX_COLOR.fullmatch(value.strip().lstrip("#")):
        return value.strip().lstrip("#").lower()
    return ""


def raw_hash(raw: Mapping[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def connector_uuid(raw: Mapping[str, Any]) -> str:
    return text(raw.get("uuid"), 64).strip().lower()


def connector_columns(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The denormalised columns of CatalogueConnector for one raw connector object."""
    uuid = connector_uuid(raw)
    auth = text(raw.get("auth_mechanism"), 100)
    mechanisms = list(
        dict.fromkeys(([auth] if auth else []) + strings(raw.get("available_auth_mechanisms")))
    )
    products = strings(raw.get("products"))
    countries = []
    for country in listed(raw.get("countries")):
        if isinstance(country, Mapping) and text(country.get("id")):
            code = text(country.get("id"), 10).lower()
            countries.append([code, text(country.get("name"), 100) or code.upper()])
        elif isinstance(country, str) and country:
            countries.append([country.lower()[:10], country.upper()[:10]])
    return {
        "uuid": uuid,
        "powens_id": integer(raw.get("id")),
        "name": clipped(raw.get("name"), NAME_LIMIT) or f"(unnamed connector {uuid})",
        "slug": text(raw.get("slug"), 200),
        "code": text(raw.get("code"), 200),
        "color": valid_color(raw.get("color")),
        "hidden": raw.get("hidden") is True,
        "beta": raw.get("beta") is True,
        "restricted": raw.get("restricted") is True,
        "charged": raw.get("charged") is True,
        "pay_capable": isinstance(raw.get("payment_settings"), Mapping) or "pay" in products,
        "auth_mechanism": auth,
        "auth_mechanisms": mechanisms,
        "products": products,
        "capabilities": strings(raw.get("capabilities")),
        "countries": countries,
        "raw": dict(raw),
        "raw_hash": raw_hash(raw),
    }


def source_columns(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """CatalogueSource columns for one raw source, or None when it has no usable id."""
    source_id = integer(raw.get("id"))
    if source_id is None:
        return None
    disabled = raw.get("disabled")
    return {
        "source_id": source_id,
        "name": clipped(raw.get("name"), SOURCE_NAME_LIMIT) or f"source {source_id}",
        "auth_mechanism": text(raw.get("auth_mechanism"), 100),
        "disabled": disabled not in (None, False, ""),
        "disabled_at": parse_powens_datetime(disabled),
        "priority": integer(raw.get("priority")),
        "raw": dict(raw),
    }


def sources_of(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Source columns for every usable source in a connector (duplicates by id dropped)."""
    found: dict[int, dict[str, Any]] = {}
    for item in listed(raw.get("sources")):
        if isinstance(item, Mapping) and (columns := source_columns(item)):
            found.setdefault(columns["source_id"], columns)
    return list(found.values())


def _state(raw: Mapping[str, Any]) -> str:
    return "hidden" if raw.get("hidden") is True else "enabled"


def _by_key(items: Any, key: str) -> dict[str, Any]:
    return {str(item.get(key)): item for item in listed(items) if isinstance(item, Mapping)}


def _describe_source(source: Mapping[str, Any]) -> str:
    return f"{text(source.get('name')) or '?'} #{text(source.get('id'))}"


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


def connector_changes(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """(kind, summary, before, after) for each kind of change between two raw versions.

    Keys absent from ``new`` are not compared: a write's answer may lack the expanded lists.
    """
    changes = []
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
    return text(stability.get("status")) if isinstance(stability, Mapping) else ""


def _comparable_sources(sources: Any) -> list[Any]:
    """Sources without their stability timestamps, which move on every refresh."""
    return [
        {k: v for k, v in item.items() if k != "stability"} if isinstance(item, Mapping) else item
        for item in listed(sources)
    ]
