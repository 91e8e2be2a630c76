"""What the connector detail page shows, built from the stored raw JSON.

Known properties get human labels; anything Powens adds later still shows (under "Other
properties") exactly as received. Every reader tolerates missing keys and odd types.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audit.models import Action
from audit.selectors import audit_last_change
from connectors_ui.catalogue.search_index import STATE_LABELS, state_label
from connectors_ui.catalogue.stability import StabilityView, stability_view
from connectors_ui.models import CatalogueChange, CatalogueConnector, CatalogueSource

PROPERTY_LABELS = {
    "uuid": "UUID (stable across domains)",
    "id": "Integer id (this domain only)",
    "name": "Name",
    "slug": "Slug",
    "code": "Bank code",
    "siret": "SIRET",
    "hidden": "Hidden (disabled on this domain)",
    "beta": "Beta",
    "restricted": "Restricted (no new connections)",
    "charged": "Charged",
    "color": "Colour",
    "auth_mechanism": "Auth mechanism",
    "available_auth_mechanisms": "Available auth mechanisms",
    "transfer_mechanism": "Transfer mechanism",
    "available_transfer_mechanisms": "Available transfer mechanisms",
    "transfer_beneficiary_types": "Transfer beneficiary types",
    "transfer_execution_date_types": "Transfer execution date types",
    "months_to_fetch": "Months to fetch",
    "sync_frequency": "Sync frequency (deprecated)",
    "account_usages": "Account usages",
    "account_types": "Account types",
    "documents_type": "Document types",
    "categories": "Categories",
}
# Properties whose ``true`` is a caution, not good news: a hidden connector is disabled on
# this domain, a restricted one takes no new connections, a beta one may break.
WARN_WHEN_TRUE = {"hidden", "restricted", "beta"}
# Shown in their own sections, not in the property tables.
SECTION_KEYS = {
    "fields",
    "payment_fields",
    "sources",
    "countries",
    "urls",
    "products",
    "capabilities",
    "payment_settings",
    "stability",
}
PAYMENT_LABELS = {
    "available_validate_mechanisms": "Validate mechanisms",
    "beneficiary_types": "Beneficiary types",
    "execution_date_types": "Execution date types",
    "execution_frequencies": "Execution frequencies",
    "maximum_number_of_instructions": "Maximum instructions per payment (1 = no bulk)",
    "minimum_date_delta_days": "Minimum days before execution",
    "maximum_date_delta_days": "Maximum days before execution",
    "providing_payer_account": "Payer account",
    "bank_provides_payer_account": "Bank provides the payer account",
    "bank_provides_payer_label": "Bank provides the payer label",
    "partial_status_tracking": "Date types that may end “accepted” (partial status tracking)",
    "transfer_date_types_where_trusted_beneficiary_required": (
        "Date types needing a trusted beneficiary"
    ),
    "cancellation_available": "Cancellation available",
    "bulk_execution_date_types": "Bulk execution date types",
    "bulk_providing_payer_account": "Bulk payer account",
    "trusted_beneficiaries_required_for_bulk": "Trusted beneficiaries required for bulk",
}
# ProvidingPayerAccount in words; an unknown value (the enum is open) is shown as received.
PAYER_ACCOUNT = {
    "not_used": "Not used: the payer account must not be sent",
    "optional": "Optional: the payer account may be sent",
    "mandatory": "Mandatory: the payer account must be sent",
}
PAYER_ACCOUNT_KEYS = ("providing_payer_account", "bulk_providing_payer_account")
AMOUNT_KEYS = ("minimum_amount", "maximum_amount")
EXECUTION_TYPES = ("first_open_day", "instant", "deferred", "periodic")


@dataclass(frozen=True)
class Row:
    label: str
    value: Any
    key: str = ""
    warn_when_true: bool = False  # draw ``true`` as a warning badge, not a "good" one


@dataclass
class PaymentView:
    rows: list[Row]
    amounts: list[tuple[str, Any, Any]]
    app_to_app: list[tuple[str, Any]]
    other: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class FieldView:
    """A login or payment field made safe for templates.

    Templates must not see the raw dicts: ``{{ field.values }}`` on a dict without a
    ``values`` key would call ``dict.values()`` and list the field's own properties.
    """

    name: Any
    label: Any
    type: Any
    required: Any
    regex: Any
    description: Any
    list_values: list[tuple[Any, Any]]
    auth_mechanisms: Any
    connector_sources: Any


@dataclass(frozen=True)
class SourceLine:
    name: str
    priority: int | None
    auth_mechanism: str
    stability: StabilityView
    disabled_at: datetime | None


@dataclass(frozen=True)
class LastChange:
    """The connector's latest state change: ours from the audit log (who and why), or one a
    refresh found that was made elsewhere (the Powens console: nobody and no reason known)."""

    state: str  # the state it set, a STATES value
    at: datetime
    actor: str = ""
    reason: str = ""
    batch: bool = False
    outside: bool = False

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class ConnectorSummary:
    """ "Why can't my customer connect?": the answers the detail page opens with."""

    state: str  # a STATES value
    restricted: bool
    active: SourceLine | None  # the enabled source Powens uses first
    takes_over: list[SourceLine]  # the other enabled sources, in the order they take over
    disabled: list[SourceLine]
    auth_mechanism: str  # the default one
    auth_mechanisms: list[str]  # every one, the default first
    stability: StabilityView
    last_change: LastChange | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class ConnectorDetail:
    connector: CatalogueConnector
    summary: ConnectorSummary
    raw: Mapping[str, Any]
    properties: list[Row]
    other_properties: list[Row]
    stability: Mapping[str, Any] | None
    countries: list[tuple[str, str]]
    products: list[str]
    capabilities: list[str]
    urls: list[Any] | None
    fields: list[FieldView] | None
    payment_fields: list[FieldView] | None
    payment: PaymentView | None
    raw_json: str


def list_of_mappings(value: Any) -> list[Mapping[str, Any]] | None:
    """The JSON objects of an upstream list: None when absent (not expanded), [] when the value
    is not a list; anything else in the list is dropped (upstream data is untrusted)."""
    if value is None:
        return None
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _field_views(value: Any) -> list[FieldView] | None:
    items = list_of_mappings(value)
    if items is None:
        return None
    return [
        FieldView(
            name=item.get("name"),
            label=item.get("label"),
            type=item.get("type"),
            required=item.get("required"),
            regex=item.get("regex"),
            description=item.get("description"),
            list_values=[
                (choice.get("label"), choice.get("value"))
                for choice in _as_list(item.get("values"))
                if isinstance(choice, Mapping)
            ],
            auth_mechanisms=item.get("auth_mechanisms"),
            connector_sources=item.get("connector_sources"),
        )
        for item in items
    ]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _mapping(value: Any) -> Mapping[str, Any]:
    """An object Powens sent, or an empty one in place of anything else."""
    return value if isinstance(value, Mapping) else {}


def _payment(settings: Any) -> PaymentView | None:
    if not isinstance(settings, Mapping):
        return None
    rows = []
    for key, label in PAYMENT_LABELS.items():
        value = settings.get(key)
        if key in PAYER_ACCOUNT_KEYS and isinstance(value, str):
            value = PAYER_ACCOUNT.get(value, value)
        rows.append(Row(label, value, key))
    minimum, maximum = (_mapping(settings.get(key)) for key in AMOUNT_KEYS)
    kinds = list(
        dict.fromkeys([*_as_list(settings.get("execution_date_types")), *minimum, *maximum])
    )
    kinds = [k for k in kinds if isinstance(k, str)] or list(EXECUTION_TYPES)
    amounts = [(kind, minimum.get(kind), maximum.get(kind)) for kind in kinds]
    app = _mapping(settings.get("is_app_to_app_used"))
    app_to_app = [("Android", app.get("android")), ("iOS", app.get("ios"))]
    known = set(PAYMENT_LABELS) | set(AMOUNT_KEYS) | {"is_app_to_app_used"}
    other = [Row(key, value, key) for key, value in settings.items() if key not in known]
    return PaymentView(rows=rows, amounts=amounts, app_to_app=app_to_app, other=other)


def _source_line(source: CatalogueSource) -> SourceLine:
    return SourceLine(
        name=source.name,
        priority=source.priority,
        auth_mechanism=source.auth_mechanism,
        stability=stability_view(source.stability_status, source.stability_since),
        disabled_at=source.disabled_at,
    )


def _last_change(connector: CatalogueConnector) -> LastChange | None:
    """Ours (the audit log's latest confirmed enable/disable) or, when a refresh saw a newer
    state change that was not ours, that one."""
    entry = audit_last_change(connector.uuid)
    ours = None
    if entry is not None:
        off = entry.action in (Action.CONNECTOR_DISABLE, Action.BATCH_DISABLE)
        ours = LastChange(
            state="hidden" if off else "enabled",
            at=entry.created_at,
            actor=entry.actor_username or "the system",
            reason=entry.reason,
            batch=entry.action in (Action.BATCH_ENABLE, Action.BATCH_DISABLE),
        )
    seen = (
        connector.changes.filter(kind=CatalogueChange.Kind.HIDDEN, sync__isnull=False)
        .order_by("-created_at", "-id")
        .first()
    )
    if (
        seen is not None
        and seen.after in STATE_LABELS
        and (ours is None or seen.created_at > ours.at)
    ):
        return LastChange(state=seen.after, at=seen.created_at, outside=True)
    return ours


def summary_build(connector: CatalogueConnector, raw: Mapping[str, Any]) -> ConnectorSummary:
    """The summary the detail page opens with; sources in Powens' order (enabled source of
    lowest priority first, a source without a priority last)."""
    sources = sorted(
        connector.sources.all(),
        key=lambda s: (s.priority is None, s.priority or 0, s.source_id),
    )
    enabled = [_source_line(s) for s in sources if not s.disabled]
    return ConnectorSummary(
        state=state_label(connector.removed_at, connector.hidden),
        restricted=connector.restricted,
        active=enabled[0] if enabled else None,
        takes_over=enabled[1:],
        disabled=[_source_line(s) for s in sources if s.disabled],
        auth_mechanism=connector.auth_mechanism,
        auth_mechanisms=list(connector.auth_mechanisms or []),
        stability=stability_view(connector.stability_status, connector.stability_since),
        last_change=_last_change(connector),
    )


def detail_build(connector: CatalogueConnector) -> ConnectorDetail:
    """The detail page's view of ``connector``, read from its stored raw JSON (not named
    ``connector_detail``: that is the view that shows it)."""
    raw = connector.raw if isinstance(connector.raw, Mapping) else {}
    properties = [
        Row(label, raw.get(key), key, key in WARN_WHEN_TRUE)
        for key, label in PROPERTY_LABELS.items()
        if key in raw
    ]
    other = [
        Row(key, value, key)
        for key, value in raw.items()
        if key not in PROPERTY_LABELS and key not in SECTION_KEYS
    ]
    stability = raw.get("stability") if isinstance(raw.get("stability"), Mapping) else None
    urls = raw.get("urls")
    return ConnectorDetail(
        connector=connector,
        summary=summary_build(connector, raw),
        raw=raw,
        properties=properties,
        other_properties=other,
        stability=stability,
        countries=[(code, name) for code, name in connector.countries],
        products=connector.products,
        capabilities=connector.capabilities,
        urls=_as_list(urls) if urls is not None else None,
        fields=_field_views(raw.get("fields")),
        payment_fields=_field_views(raw.get("payment_fields")),
        payment=_payment(raw.get("payment_settings")),
        raw_json=json.dumps(raw, indent=2, ensure_ascii=False),
    )
