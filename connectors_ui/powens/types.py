"""Typed, immutable views of Powens objects (POWENS_API.md section 3).

Every object keeps ``raw``: the JSON object exactly as received (the local catalogue copy stores
it, and properties we do not model yet stay available there). Open enums are ``StrEnum`` members
when known and plain strings when not, so comparisons like ``source.name == "openapi"`` work
either way. Missing optionals are None; lists that are always sent default to ``()``; expandable
lists (``fields``, ``sources``, ``countries``, ``payment_fields``, ``urls``) are None when the
request did not expand them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Self, cast

from . import _parse as p
from ._base import (
    ApiObject,
    enum,
    enums,
    many,
    one,
    parsed_skipping_malformed,
    raw_field,
    read_fields,
    reads,
)
from .enums import AuthMechanism, FieldType, Product, SourceName, StabilityStatus
from .errors import PowensMalformedResponse
from .payment import PaymentAmount, PaymentAppToAppUsed, PaymentSettings

__all__ = [
    "AuthMechanism",
    "Connector",
    "ConnectorCountry",
    "ConnectorField",
    "ConnectorFieldValue",
    "ConnectorPaymentField",
    "ConnectorSource",
    "ConnectorSourcesList",
    "ConnectorsList",
    "FieldType",
    "PaymentAmount",
    "PaymentAppToAppUsed",
    "PaymentSettings",
    "Product",
    "SourceName",
    "Stability",
    "StabilityStatus",
]


@dataclass(frozen=True, slots=True)
class Stability(ApiObject):
    status: StabilityStatus | str | None = reads(enum(StabilityStatus))
    last_update: datetime | None = reads(p.as_datetime)
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class ConnectorFieldValue(ApiObject):
    label: str | None = reads(p.as_str)
    value: str | None = reads(p.as_str)
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class _FieldCommon(ApiObject):
    """What ConnectorField and ConnectorPaymentField share: a payment field is a field without
    ``connector_sources``. Each subclass declares ``raw`` itself so that it stays last."""

    name: str | None = reads(p.as_str)
    label: str | None = reads(p.as_str)
    type: FieldType | str | None = reads(enum(FieldType))
    required: bool | None = reads(p.as_bool)
    regex: str | None = reads(p.as_str)
    auth_mechanisms: tuple[AuthMechanism | str, ...] = reads(enums(AuthMechanism))
    # List fields only.
    values: tuple[ConnectorFieldValue, ...] | None = reads(many(ConnectorFieldValue.from_api))
    description: str | None = reads(p.as_str)


@dataclass(frozen=True, slots=True)
class ConnectorPaymentField(_FieldCommon):
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class ConnectorField(_FieldCommon):
    connector_sources: tuple[str, ...] = reads(p.as_str_tuple)
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class ConnectorCountry(ApiObject):
    id: str | None = reads(p.as_str)  # ISO alpha-2, lower-case ("fr")
    name: str | None = reads(p.as_str)
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class ConnectorSource(ApiObject):
    id: int = reads(p.as_int)
    id_connector: int | None = reads(p.as_int)
    name: SourceName | str | None = reads(enum(SourceName))
    auth_mechanism: AuthMechanism | str | None = reads(enum(AuthMechanism))
    available_auth_mechanisms: tuple[AuthMechanism | str, ...] = reads(enums(AuthMechanism))
    # Disabled since then; None = enabled (see ``is_disabled``).
    disabled: datetime | None = reads(p.as_datetime)
    priority: int | None = reads(p.as_int)  # sync order, lowest first
    account_usages: tuple[str, ...] = reads(p.as_str_tuple)
    # Seen live, undocumented.
    uuid: str | None = reads(p.as_str)
    fallback: str | None = reads(p.as_str)  # name of the source this one backs up
    first_opening: datetime | None = reads(p.as_datetime)
    capabilities: tuple[str, ...] = reads(p.as_str_tuple)
    disabled_capabilities: tuple[str, ...] = reads(p.as_str_tuple)
    account_types: tuple[str, ...] = reads(p.as_str_tuple)
    stability: Stability | None = reads(one(Stability.from_api))
    payment_settings: PaymentSettings | None = reads(one(PaymentSettings.from_api))
    raw: Mapping[str, Any] = raw_field()

    @property
    def is_disabled(self) -> bool:
        """From ``raw`` so an unparseable ``disabled`` date still reads as disabled, not enabled."""
        return self.raw.get("disabled") not in (None, False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        if not isinstance(data, Mapping):
            raise PowensMalformedResponse("A source is not a JSON object.")
        if p.as_int(data.get("id")) is None:
            raise PowensMalformedResponse("A source has no integer id.")
        return cls(**read_fields(cls, data))


def _nested_sources(value: Any) -> tuple[ConnectorSource, ...] | None:
    """Expanded sources inside a connector: one broken source must not cost the whole connector
    (it stays visible in ``raw``); a top-level source response is strict instead."""
    if not isinstance(value, list):
        return None
    return tuple(parsed_skipping_malformed(ConnectorSource.from_api, value))


def _categories(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _urls(value: Any) -> tuple[str, ...] | None:
    return p.as_str_tuple(value) if isinstance(value, list) else None


@dataclass(frozen=True, slots=True)
class Connector(ApiObject):
    id: int | None = reads(p.as_int)  # per-domain and deprecated as an identifier: use ``uuid``
    uuid: str = reads(p.as_str)
    name: str | None = reads(p.as_str)
    hidden: bool | None = reads(p.as_bool)  # True = disabled on this domain
    charged: bool | None = reads(p.as_bool)
    code: str | None = reads(p.as_str)  # French bank code, e.g. "30004"
    beta: bool | None = reads(p.as_bool)
    color: str | None = reads(p.as_str)  # hex without "#"
    slug: str | None = reads(p.as_str)
    sync_frequency: int | float | None = reads(p.as_number)  # deprecated
    months_to_fetch: int | None = reads(p.as_int)
    auth_mechanism: AuthMechanism | str | None = reads(enum(AuthMechanism))
    available_auth_mechanisms: tuple[AuthMechanism | str, ...] = reads(enums(AuthMechanism))
    transfer_mechanism: AuthMechanism | str | None = reads(enum(AuthMechanism))
    siret: str | None = reads(p.as_str)
    restricted: bool | None = reads(p.as_bool)  # no new connections; not settable
    capabilities: tuple[str, ...] = reads(p.as_str_tuple)
    account_usages: tuple[str, ...] = reads(p.as_str_tuple)
    # Present only when Pay is available.
    payment_settings: PaymentSettings | None = reads(one(PaymentSettings.from_api))
    products: tuple[Product | str, ...] = reads(enums(Product))
    # Seen live, undocumented.
    stability: Stability | None = reads(one(Stability.from_api))
    categories: tuple[Any, ...] = reads(_categories)
    account_types: tuple[str, ...] = reads(p.as_str_tuple)
    documents_type: tuple[str, ...] = reads(p.as_str_tuple)
    available_transfer_mechanisms: tuple[str, ...] = reads(p.as_str_tuple)
    transfer_beneficiary_types: tuple[str, ...] = reads(p.as_str_tuple)
    transfer_execution_date_types: tuple[str, ...] = reads(p.as_str_tuple)
    # Expands: None unless requested.
    sources: tuple[ConnectorSource, ...] | None = reads(_nested_sources)
    fields: tuple[ConnectorField, ...] | None = reads(many(ConnectorField.from_api))
    payment_fields: tuple[ConnectorPaymentField, ...] | None = reads(
        many(ConnectorPaymentField.from_api)
    )
    countries: tuple[ConnectorCountry, ...] | None = reads(many(ConnectorCountry.from_api))
    urls: tuple[str, ...] | None = reads(_urls)
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        if not isinstance(data, Mapping):
            raise PowensMalformedResponse("A connector is not a JSON object.")
        uuid = data.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            raise PowensMalformedResponse("A connector has no uuid.")
        return cls(**read_fields(cls, data))


def listed(parse: Callable[[Any], Any], *, what: str) -> Any:
    """A listing's items field: the envelope's list under the field's name, each item read
    with ``parse``; ``what`` names an item in the error about a malformed envelope."""
    return field(metadata={"listed": (parse, what)})


class _Listing:
    """E1 and E6 share one envelope, ``{"<key>": [...], "total": n}``: a subclass declares its
    ``total``, its items field (``listed``) and ``raw``. The items are parsed strictly;
    ``total`` is taken as sent, or the item count if it is missing or not an integer."""

    __slots__ = ()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        items_field = next(f for f in fields(cast(Any, cls)) if "listed" in f.metadata)
        key, (parse, what) = items_field.name, items_field.metadata["listed"]
        if not isinstance(data, Mapping):
            raise PowensMalformedResponse(f"The {what} list is not a JSON object.")
        items = data.get(key)
        if not isinstance(items, list):
            raise PowensMalformedResponse(f"The {what} list has no '{key}' list.")
        parsed = tuple(parse(item) for item in items)
        total = p.as_int(data.get("total"))
        total = total if total is not None else len(parsed)
        values: dict[str, Any] = {"total": total, key: parsed, "raw": data}
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ConnectorsList(_Listing):
    total: int
    connectors: tuple[Connector, ...] = listed(Connector.from_api, what="connector")
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True)
class ConnectorSourcesList(_Listing):
    total: int
    sources: tuple[ConnectorSource, ...] = listed(ConnectorSource.from_api, what="source")
    raw: Mapping[str, Any] = raw_field()


def connectors_from_batch(data: Any) -> tuple[Connector, ...]:
    """E4/E5 answers disagree across Powens' docs and SDK: nothing, one Connector, or a
    ConnectorsList (a bare list is tolerated too). An unrecognised object gives ``()``: the
    caller re-reads what it needs."""
    if data is None:
        return ()
    if isinstance(data, list):
        return tuple(Connector.from_api(item) for item in data)
    if not isinstance(data, Mapping):
        raise PowensMalformedResponse("The batch update answer is not a JSON object.")
    if "connectors" in data:
        return ConnectorsList.from_api(data).connectors
    if "uuid" in data:
        return (Connector.from_api(data),)
    return ()
