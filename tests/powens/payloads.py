"""Powens payloads as published (POWENS_API.md section 4), for the client tests."""

from typing import Any

UUID = "338178e6-3d01-564f-9a7b-52ca442459bf"
BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def connector(**overrides: Any) -> dict[str, Any]:
    """The documented realistic connector, expanded with fields, sources and countries."""
    data: dict[str, Any] = {
        "id": 40,
        "uuid": UUID,
        "name": "Connecteur de test",
        "hidden": False,
        "charged": False,
        "code": "00000",
        "beta": False,
        "color": "5c2963",
        "slug": "EXA",
        "months_to_fetch": None,
        "siret": None,
        "restricted": False,
        "stability": {"status": "stable", "last_update": "2026-07-29 19:26:59"},
        "capabilities": ["bank", "bankwealth", "document", "profile", "transfer"],
        "auth_mechanism": "webauth",
        "available_auth_mechanisms": ["webauth", "credentials"],
        "account_types": ["checking", "card", "savings"],
        "account_usages": ["PRIV", "ORGA"],
        "products": ["bank", "pay", "wealth"],
        "fields": [
            {
                "name": "login",
                "label": "Identifiant",
                "regex": None,
                "type": "text",
                "required": True,
                "auth_mechanisms": ["credentials"],
                "connector_sources": ["directaccess"],
            },
            {
                "name": "website",
                "label": "Type de compte",
                "regex": None,
                "type": "list",
                "required": False,
                "auth_mechanisms": ["webauth", "credentials"],
                "connector_sources": ["openapi"],
                "values": [
                    {"label": "Particuliers", "value": "par"},
                    {"label": "Professionnels", "value": "pro"},
                ],
            },
        ],
        "sources": [source(), source_disabled()],
        "countries": [{"id": "fr", "name": "France"}],
        "payment_settings": {
            "available_validate_mechanisms": ["webauth"],
            "beneficiary_types": ["iban"],
            "execution_date_types": ["first_open_day", "deferred", "instant", "periodic"],
            "execution_frequencies": ["weekly", "monthly"],
            "maximum_number_of_instructions": 10,
            "providing_payer_account": "optional",
            "partial_status_tracking": [],
            "is_app_to_app_used": {"android": False, "ios": None},
            "bank_provides_payer_account": None,
            "bank_provides_payer_label": None,
            "transfer_date_types_where_trusted_beneficiary_required": [],
            "cancellation_available": True,
            "minimum_amount": {"instant": 0.0, "deferred": 0.0},
            "maximum_amount": {"instant": 1000.0, "deferred": 4000.0},
            "minimum_date_delta_days": 1,
            "maximum_date_delta_days": 30,
        },
    }
    data.update(overrides)
    return data


def source(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": 1271,
        "id_connector": 40,
        "name": "openapi",
        "auth_mechanism": "webauth",
        "available_auth_mechanisms": ["webauth"],
        "disabled": None,
        "priority": 0,
        "account_usages": ["PRIV", "ORGA"],
        "stability": {"status": "stable", "last_update": "2026-07-29 19:26:59"},
    }
    data.update(overrides)
    return data


def source_disabled() -> dict[str, Any]:
    return {
        "id": 88,
        "id_connector": 40,
        "name": "directaccess",
        "auth_mechanism": "credentials",
        "available_auth_mechanisms": ["credentials"],
        "disabled": "2024-03-01 09:12:44",
        "priority": 2,
        "account_usages": ["PRIV"],
    }


def minimal(uuid: str = BNP, **overrides: Any) -> dict[str, Any]:
    """The least a connector can be: only its uuid."""
    return {"uuid": uuid, **overrides}
