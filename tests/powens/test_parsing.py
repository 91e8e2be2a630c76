"""Typed results: every documented property, tolerant of odd values, strict about structure."""

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors_ui.powens.errors import PowensMalformedResponse
from connectors_ui.powens.types import (
    AuthMechanism,
    Connector,
    ConnectorsList,
    ConnectorSource,
    ConnectorSourcesList,
    PaymentAmount,
    PaymentAppToAppUsed,
    Product,
    StabilityStatus,
)

from . import payloads
from .conftest import BASE

JULY_29 = datetime(2026, 7, 29, 19, 26, 59, tzinfo=UTC)


def test_documented_connector_parses_completely() -> None:
    data = payloads.connector()

    c = Connector.from_api(data)

    assert (c.id, c.uuid, c.name, c.code, c.color, c.slug) == (
        40,
        payloads.UUID,
        "Connecteur de test",
        "00000",
        "5c2963",
        "EXA",
    )
    assert (c.hidden, c.charged, c.beta, c.restricted) == (False, False, False, False)
    assert (c.months_to_fetch, c.siret, c.sync_frequency, c.transfer_mechanism) == (None,) * 4
    assert c.auth_mechanism is AuthMechanism.WEBAUTH
    assert c.available_auth_mechanisms == ("webauth", "credentials")
    assert c.capabilities == ("bank", "bankwealth", "document", "profile", "transfer")
    assert c.account_types == ("checking", "card", "savings")
    assert c.account_usages == ("PRIV", "ORGA")
    assert c.products == (Product.BANK, Product.PAY, Product.WEALTH)
    assert c.stability.status is StabilityStatus.STABLE
    assert c.stability.last_update == JULY_29
    assert c.raw is data

    login, website = c.fields
    assert (login.name, login.label, login.type, login.required, login.regex) == (
        "login",
        "Identifiant",
        "text",
        True,
        None,
    )
    assert login.connector_sources == ("directaccess",)
    assert login.values is None
    assert [(v.label, v.value) for v in website.values] == [
        ("Particuliers", "par"),
        ("Professionnels", "pro"),
    ]
    assert website.auth_mechanisms == ("webauth", "credentials")

    openapi, directaccess = c.sources
    assert (openapi.id, openapi.id_connector, openapi.name, openapi.priority) == (
        1271,
        40,
        "openapi",
        0,
    )
    assert openapi.disabled is None and not openapi.is_disabled
    assert openapi.stability.last_update == JULY_29
    assert directaccess.disabled == datetime(2024, 3, 1, 9, 12, 44, tzinfo=UTC)
    assert directaccess.is_disabled
    assert [(k.id, k.name) for k in c.countries] == [("fr", "France")]
    assert c.payment_fields is None and c.urls is None


def test_payment_settings_parse_completely() -> None:
    ps = Connector.from_api(payloads.connector()).payment_settings

    assert ps.available_validate_mechanisms == ("webauth",)
    assert ps.beneficiary_types == ("iban",)
    assert ps.execution_date_types == ("first_open_day", "deferred", "instant", "periodic")
    assert ps.execution_frequencies == ("weekly", "monthly")
    assert ps.maximum_number_of_instructions == 10
    assert ps.providing_payer_account == "optional"
    assert ps.partial_status_tracking == ()
    assert ps.is_app_to_app_used == PaymentAppToAppUsed(android=False, ios=None, raw={})
    assert ps.bank_provides_payer_account is None and ps.bank_provides_payer_label is None
    assert ps.transfer_date_types_where_trusted_beneficiary_required == ()
    assert ps.cancellation_available is True
    assert ps.minimum_amount == PaymentAmount(
        first_open_day=None, instant=Decimal("0.0"), deferred=Decimal("0.0"), periodic=None, raw={}
    )
    assert ps.maximum_amount.deferred == Decimal("4000.0")
    assert ps.maximum_amount.instant == Decimal("1000")
    assert (ps.minimum_date_delta_days, ps.maximum_date_delta_days) == (1, 30)
    assert ps.bulk_execution_date_types == () and ps.bulk_providing_payer_account is None


def test_undocumented_properties_seen_live_are_typed() -> None:
    data = payloads.connector(
        categories=[{"id": 3, "name": "Banque"}],
        documents_type=["bill"],
        available_transfer_mechanisms=["webauth"],
        transfer_beneficiary_types=["iban"],
        transfer_execution_date_types=["instant"],
        payment_fields=[{"name": "iban", "label": "IBAN", "type": "text", "required": True}],
        urls=["https://www.example-bank.fr/"],
    )
    data["payment_settings"].update(
        bulk_execution_date_types=["deferred"],
        bulk_providing_payer_account="mandatory",
        trusted_beneficiaries_required_for_bulk=True,
    )
    source = payloads.source(
        uuid="b1c2",
        fallback="openapi",
        first_opening="2025-01-02 03:04:05",
        capabilities=["bank"],
        disabled_capabilities=["transfer"],
        account_types=["checking"],
        payment_settings={"beneficiary_types": ["iban"]},
    )

    c = Connector.from_api(data)
    s = ConnectorSource.from_api(source)

    assert c.categories == ({"id": 3, "name": "Banque"},)
    assert c.documents_type == ("bill",)
    assert c.available_transfer_mechanisms == ("webauth",)
    assert c.transfer_beneficiary_types == ("iban",)
    assert c.transfer_execution_date_types == ("instant",)
    assert [(f.name, f.required) for f in c.payment_fields] == [("iban", True)]
    assert not hasattr(c.payment_fields[0], "connector_sources")
    assert c.urls == ("https://www.example-bank.fr/",)
    assert c.payment_settings.bulk_execution_date_types == ("deferred",)
    assert c.payment_settings.bulk_providing_payer_account == "mandatory"
    assert c.payment_settings.trusted_beneficiaries_required_for_bulk is True
    assert (s.uuid, s.fallback) == ("b1c2", "openapi")
    assert s.first_opening == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (s.capabilities, s.disabled_capabilities, s.account_types) == (
        ("bank",),
        ("transfer",),
        ("checking",),
    )
    assert s.payment_settings.beneficiary_types == ("iban",)


def test_unknown_enum_values_are_kept_as_strings() -> None:
    c = Connector.from_api(
        payloads.minimal(
            auth_mechanism="webauth_decoupled",
            products=["bank", "crypto"],
            stability={"status": "degraded"},
            sources=[payloads.source(name="scraper2", auth_mechanism="magic")],
            fields=[{"name": "otp", "type": "otp"}],
        )
    )

    assert c.auth_mechanism == "webauth_decoupled"
    assert type(c.auth_mechanism) is str
    assert c.products == ("bank", "crypto")
    assert c.stability.status == "degraded"
    assert (c.sources[0].name, c.sources[0].auth_mechanism) == ("scraper2", "magic")
    assert c.fields[0].type == "otp"


def test_unknown_properties_stay_in_raw() -> None:
    data = payloads.minimal(new_thing={"nested": [1, 2]}, name="N26")

    c = Connector.from_api(data)

    assert c.raw["new_thing"] == {"nested": [1, 2]}
    assert not hasattr(c, "new_thing")


def test_missing_optionals_are_none_and_lists_empty() -> None:
    c = Connector.from_api(payloads.minimal())

    assert c.uuid == payloads.BNP
    values = dataclasses.asdict(c)
    values.pop("uuid")
    values.pop("raw")
    assert {k for k, v in values.items() if v is not None} == {
        "available_auth_mechanisms",
        "capabilities",
        "account_usages",
        "products",
        "categories",
        "account_types",
        "documents_type",
        "available_transfer_mechanisms",
        "transfer_beneficiary_types",
        "transfer_execution_date_types",
    }
    assert all(values[k] == () for k in values if values[k] is not None)


def test_bad_optional_values_degrade_without_losing_the_connector() -> None:
    data = payloads.minimal(
        id="forty",
        name=123,
        hidden="yes",
        capabilities="bank",
        products=["bank", 7, None],
        stability={"status": 5, "last_update": "29/07/2026"},
        payment_settings="pay",
        fields={"login": {}},
        sources=[payloads.source(disabled="not-a-date", priority="first"), "junk", {"name": "x"}],
        countries=["fr", {"id": "de", "name": "Germany"}],
        months_to_fetch=True,
    )
    catalogue = ConnectorsList.from_api({"connectors": [data, payloads.connector()], "total": 2})

    c = catalogue.connectors[0]
    assert (c.id, c.name, c.hidden, c.months_to_fetch, c.payment_settings) == (None,) * 5
    assert c.capabilities == ()
    assert c.products == ("bank",)
    assert (c.stability.status, c.stability.last_update) == (None, None)
    assert c.fields is None
    [source] = c.sources
    assert (source.disabled, source.priority) == (None, None)
    assert source.is_disabled, "an unreadable disabled date must not read as enabled"
    assert [k.id for k in c.countries] == ["de"]
    assert catalogue.connectors[1].uuid == payloads.UUID


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-29 19:26:59", JULY_29),
        ("2026-07-29T19:26:59", JULY_29),
        ("2026-07-29T21:26:59+02:00", JULY_29),
        ("2026-07-29 19:26:59.250000", JULY_29.replace(microsecond=250000)),
        ("", None),
        ("yesterday", None),
    ],
)
def test_datetimes_are_aware_utc(text, expected) -> None:
    s = ConnectorSource.from_api(payloads.source(disabled=text))
    assert s.disabled == expected
    if expected is not None:
        assert s.disabled.utcoffset().total_seconds() == 0


def test_total_falls_back_to_the_item_count() -> None:
    assert ConnectorsList.from_api({"connectors": [payloads.minimal()]}).total == 1
    assert ConnectorsList.from_api({"connectors": [], "total": "many"}).total == 0
    assert ConnectorsList.from_api({"connectors": [], "total": 1800}).total == 1800
    assert ConnectorSourcesList.from_api({"sources": [payloads.source()]}).total == 1


def test_results_are_immutable() -> None:
    c = Connector.from_api(payloads.connector())

    with pytest.raises(dataclasses.FrozenInstanceError):
        c.hidden = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.sources[0].disabled = None  # type: ignore[misc]
    assert isinstance(c.sources, tuple) and isinstance(c.capabilities, tuple)


@pytest.mark.parametrize(
    "body",
    [
        [],
        "connectors",
        {"total": 3},
        {"connectors": {"a": {}}},
        {"connectors": ["not-an-object"]},
        {"connectors": [{"name": "No uuid"}]},
        {"connectors": [{"uuid": ""}]},
        {"connectors": [{"uuid": 42}]},
    ],
    ids=["array", "string", "no-list", "dict", "item-string", "no-uuid", "empty-uuid", "int-uuid"],
)
def test_structurally_malformed_list_raises(api, client, body) -> None:
    api.get(f"{BASE}/connectors", json=body)

    with pytest.raises(PowensMalformedResponse):
        client.list_connectors()


@pytest.mark.parametrize(
    ("url", "body", "call"),
    [
        ("/connectors/u", ["x"], lambda c: c.get_connector("u")),
        ("/connectors/u/sources", {"sources": None}, lambda c: c.list_sources("u")),
        ("/connectors/u/sources", {"sources": [{"name": "x"}]}, lambda c: c.list_sources("u")),
        ("/connectors/u/sources/1", {"id": "one"}, lambda c: c.get_source("u", 1)),
        ("/connectors/u/sources/1", 7, lambda c: c.get_source("u", 1)),
    ],
    ids=["connector-array", "sources-null", "source-no-id", "source-bad-id", "source-number"],
)
def test_malformed_single_resources_raise(api, client, url, body, call) -> None:
    api.get(f"{BASE}{url}", json=body)

    with pytest.raises(PowensMalformedResponse):
        call(client)


def test_malformed_batch_answer_raises(api, client) -> None:
    api.patch(f"{BASE}/connectors", json={"connectors": [{"hidden": True}]})

    with pytest.raises(PowensMalformedResponse):
        client.batch_update_connectors({payloads.UUID: {"hidden": True}})
