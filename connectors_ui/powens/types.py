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
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from . import _parse as p
from ._base import expanded, nested, raw_field
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
class Stability:
    status: StabilityStatus | str | None
    last_update: datetime | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            status=p.as_enum(StabilityStatus, data.get("status")),
            last_update=p.as_datetime(data.get("last_update")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class ConnectorFieldValue:
    label: str | None
    value: str | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(label=p.as_str(data.get("label")), value=p.as_str(data.get("value")), raw=data)


@dataclass(frozen=True, slots=True)
class _FieldCommon:
    """What ConnectorField and ConnectorPaymentField share: a payment field is a field without
    ``connector_sources``. Each subclass declares ``raw`` itself so that it stays last."""

    name: str | None
    label: str | None
    type: FieldType | str | None
    required: bool | None
    regex: str | None
    auth_mechanisms: tuple[AuthMechanism | str, ...]
    values: tuple[ConnectorFieldValue, ...] | None  # list fields only
    description: str | None


def _field_kwargs(data: Mapping[str, Any]) -> dict[str, Any]:
    """``_FieldCommon``'s fields, and ``raw``."""
    return {
        "name": p.as_str(data.get("name")),
        "label": p.as_str(data.get("label")),
        "type": p.as_enum(FieldType, data.get("type")),
        "required": p.as_bool(data.get("required")),
        "regex": p.as_str(data.get("regex")),
        "auth_mechanisms": p.as_enum_tuple(AuthMechanism, data.get("auth_mechanisms")),
        "values": expanded(ConnectorFieldValue.from_api, data.get("values")),
        "description": p.as_str(data.get("description")),
        "raw": data,
    }


@dataclass(frozen=True, slots=True)
class ConnectorPaymentField(_FieldCommon):
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_field_kwargs(data))


@dataclass(frozen=True, slots=True)
class ConnectorField(_FieldCommon):
    connector_sources: tuple[str, ...]
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            connector_sources=p.as_str_tuple(data.get("connector_sources")), **_field_kwargs(data)
        )


@dataclass(frozen=True, slots=True)
class ConnectorCountry:
    id: str | None  # ISO alpha-2, lower-case ("fr")
    name: str | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(id=p.as_str(data.get("id")), name=p.as_str(data.get("name")), raw=data)


@dataclass(frozen=True, slots=True)
class ConnectorSource:
    id: int
    id_connector: int | None
    name: SourceName | str | None
    auth_mechanism: AuthMechanism | str | None
    available_auth_mechanisms: tuple[AuthMechanism | str, ...]
    disabled: datetime | None  # disabled since then; None = enabled (see ``is_disabled``)
    priority: int | None  # sync order, lowest first
    account_usages: tuple[str, ...]
    # Seen live, undocumented.
    uuid: str | None
    fallback: str | None  # name of the source this one backs up
    first_opening: datetime | None
    capabilities: tuple[str, ...]
    disabled_capabilities: tuple[str, ...]
    account_types: tuple[str, ...]
    stability: Stability | None
    payment_settings: PaymentSettings | None
    raw: Mapping[str, Any] = raw_field()

    @property
    def is_disabled(self) -> bool:
        """From ``raw`` so an unparseable ``disabled`` date still reads as disabled, not enabled."""
        return self.raw.get("disabled") not in (None, False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        if not isinstance(data, Mapping):
            raise PowensMalformedResponse("A source is not a JSON object.")
        source_id = p.as_int(data.get("id"))
        if source_id is None:
            raise PowensMalformedResponse("A source has no integer id.")
        return cls(
            id=source_id,
            id_connector=p.as_int(data.get("id_connector")),
            name=p.as_enum(SourceName, data.get("name")),
            auth_mechanism=p.as_enum(AuthMechanism, data.get("auth_mechanism")),
            available_auth_mechanisms=p.as_enum_tuple(
                AuthMechanism, data.get("available_auth_mechanisms")
            ),
            disabled=p.as_datetime(data.get("disabled")),
            priority=p.as_int(data.get("priority")),
            account_usages=p.as_str_tuple(data.get("account_usages")),
            uuid=p.as_str(data.get("uuid")),
            fallback=p.as_str(data.get("fallback")),
            first_opening=p.as_datetime(data.get("first_opening")),
            capabilities=p.as_str_tuple(data.get("capabilities")),
            disabled_capabilities=p.as_str_tuple(data.get("disabled_capabilities")),
            account_types=p.as_str_tuple(data.get("account_types")),
            stability=nested(Stability.from_api, data.get("stability")),
            payment_settings=nested(PaymentSettings.from_api, data.get("payment_settings")),
            raw=data,
        )


def _nested_sources(value: Any) -> tuple[ConnectorSource, ...] | None:
    """Expanded sources inside a connector: one broken source must not cost the whole connector
    (it stays visible in ``raw``); a top-level source response is strict instead."""
    if not isinstance(value, list):
        return None
    sources = []
    for item in value:
        try:
            sources.append(ConnectorSource.from_api(item))
        except PowensMalformedResponse:
            continue
    return tuple(sources)


@dataclass(frozen=True, slots=True)
class Connector:
    id: int | None  # per-domain and deprecated as an identifier: use ``uuid``
    uuid: str
    name: str | None
    hidden: bool | None  # True = disabled on this domain
    charged: bool | None
    code: str | None  # French bank code, e.g. "30004"
    beta: bool | None
    color: str | None  # hex without "#"
    slug: str | None
    sync_frequency: int | float | None  # deprecated
    months_to_fetch: int | None
    auth_mechanism: AuthMechanism | str | None
    available_auth_mechanisms: tuple[AuthMechanism | str, ...]
    transfer_mechanism: AuthMechanism | str | None
    siret: str | None
    restricted: bool | None  # no new connections; not settable
    capabilities: tuple[str, ...]
    account_usages: tuple[str, ...]
    payment_settings: PaymentSettings | None  # present only when Pay is available
    products: tuple[Product | str, ...]
    # Seen live, undocumented.
    stability: Stability | None
    categories: tuple[Any, ...]
    account_types: tuple[str, ...]
    documents_type: tuple[str, ...]
    available_transfer_mechanisms: tuple[str, ...]
    transfer_beneficiary_types: tuple[str, ...]
    transfer_execution_date_types: tuple[str, ...]
    # Expands: None unless requested.
    sources: tuple[ConnectorSource, ...] | None
    fields: tuple[ConnectorField, ...] | None
    payment_fields: tuple[ConnectorPaymentField, ...] | None
    countries: tuple[ConnectorCountry, ...] | None
    urls: tuple[str, ...] | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        if not isinstance(data, Mapping):
            raise PowensMalformedResponse("A connector is not a JSON object.")
        uuid = data.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            raise PowensMalformedResponse("A connector has no uuid.")

        def strs(key: str) -> tuple[str, ...]:
            return p.as_str_tuple(data.get(key))

        def auth(key: str) -> AuthMechanism | str | None:
            return p.as_enum(AuthMechanism, data.get(key))

        categories = data.get("categories")
        urls = data.get("urls")
        return cls(
            id=p.as_int(data.get("id")),
            uuid=uuid,
            name=p.as_str(data.get("name")),
            hidden=p.as_bool(data.get("hidden")),
            charged=p.as_bool(data.get("charged")),
            code=p.as_str(data.get("code")),
            beta=p.as_bool(data.get("beta")),
            color=p.as_str(data.get("color")),
            slug=p.as_str(data.get("slug")),
            sync_frequency=p.as_number(data.get("sync_frequency")),
            months_to_fetch=p.as_int(data.get("months_to_fetch")),
            auth_mechanism=auth("auth_mechanism"),
            available_auth_mechanisms=p.as_enum_tuple(
                AuthMechanism, data.get("available_auth_mechanisms")
            ),
            transfer_mechanism=auth("transfer_mechanism"),
            siret=p.as_str(data.get("siret")),
            restricted=p.as_bool(data.get("restricted")),
            capabilities=strs("capabilities"),
            account_usages=strs("account_usages"),
            payment_settings=nested(PaymentSettings.from_api, data.get("payment_settings")),
            products=p.as_enum_tuple(Product, data.get("products")),
            stability=nested(Stability.from_api, data.get("stability")),
            categories=tuple(categories) if isinstance(categories, list) else (),
            account_types=strs("account_types"),
            documents_type=strs("documents_type"),
            available_transfer_mechanisms=strs("available_transfer_mechanisms"),
            transfer_beneficiary_types=strs("transfer_beneficiary_types"),
            transfer_execution_date_types=strs("transfer_execution_date_types"),
            sources=_nested_sources(data.get("sources")),
            fields=expanded(ConnectorField.from_api, data.get("fields")),
            payment_fields=expanded(ConnectorPaymentField.from_api, data.get("payment_fields")),
            countries=expanded(ConnectorCountry.from_api, data.get("countries")),
            urls=p.as_str_tuple(urls) if isinstance(urls, list) else None,
            raw=data,
        )


def _list_envelope[T](
    data: Any, key: str, what: str, parse: Callable[[Any], T]
) -> tuple[tuple[T, ...], int]:
    """E1 and E6 share one envelope, ``{"<key>": [...], "total": n}``: parse its items strictly
    and take ``total`` as sent, or the item count if it is missing or not an integer."""
    if not isinstance(data, Mapping):
        raise PowensMalformedResponse(f"The {what} list is not a JSON object.")
    items = data.get(key)
    if not isinstance(items, list):
        raise PowensMalformedResponse(f"The {what} list has no '{key}' list.")
    parsed = tuple(parse(item) for item in items)
    total = p.as_int(data.get("total"))
    return parsed, total if total is not None else len(parsed)


@dataclass(frozen=True, slots=True)
class ConnectorsList:
    connectors: tuple[Connector, ...]
    total: int
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        connectors, total = _list_envelope(data, "connectors", "connector", Connector.from_api)
        return cls(connectors=connectors, total=total, raw=data)


@dataclass(frozen=True, slots=True)
class ConnectorSourcesList:
    sources: tuple[ConnectorSource, ...]
    total: int
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        sources, total = _list_envelope(data, "sources", "source", ConnectorSource.from_api)
        return cls(sources=sources, total=total, raw=data)


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
