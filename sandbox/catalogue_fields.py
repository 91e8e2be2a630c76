"""Login forms and Pay settings for catalogue connectors, in the institution's language."""

from __future__ import annotations

import random
from typing import Any, NamedTuple


class _Labels(NamedTuple):
    """A login form's labels in one language."""

    login: str
    password: str
    pin: str
    account_type: str
    segments: tuple[str, str, str]  # the account types: personal, business, corporate


_LABELS = {
    "fr": _Labels("Identifiant", "Mot de passe", "Code confidentiel", "Type de compte",
                  ("Particuliers", "Professionnels", "Entreprises")),
    "de": _Labels("Anmeldename", "Passwort", "PIN", "Kontotyp",
                  ("Privatkunden", "Geschäftskunden", "Firmenkunden")),
    "es": _Labels("Usuario", "Contraseña", "Clave de acceso", "Tipo de cuenta",
                  ("Particulares", "Autónomos", "Empresas")),
    "it": _Labels("Codice utente", "Password", "Codice PIN", "Tipo di conto",
                  ("Privati", "Professionisti", "Imprese")),
    "nl": _Labels("Gebruikersnaam", "Wachtwoord", "Pincode", "Soort rekening",
                  ("Particulier", "Zakelijk", "Corporate")),
    "pt": _Labels("Utilizador", "Palavra-passe", "Código de acesso", "Tipo de conta",
                  ("Particulares", "Empresários", "Empresas")),
    "en": _Labels("Customer number", "Password", "Passcode", "Account type",
                  ("Personal", "Business", "Corporate")),
}  # fmt: skip
_LANGUAGE = {"fr": "fr", "be": "fr", "lu": "fr", "mc": "fr", "ch": "fr", "de": "de", "at": "de",
             "es": "es", "it": "it", "nl": "nl", "pt": "pt"}  # fmt: skip
_LOGIN_REGEXES = (None, r"^\d{10}$", r"^\d{8,11}$", r"^[a-zA-Z0-9]{4,20}$")


def _labels(country: str) -> _Labels:
    return _LABELS[_LANGUAGE.get(country, "en")]


def _account_type_field(country: str, with_sources: list[str] | None) -> dict[str, Any]:
    labels = _labels(country)
    personal, business, corporate = labels.segments
    field: dict[str, Any] = {
        "name": "website",
        "label": labels.account_type,
        "type": "list",
        "required": False,
        "regex": None,
        "auth_mechanisms": ["webauth", "credentials"],
        "values": [
            {"label": personal, "value": "par"},
            {"label": business, "value": "pro"},
            {"label": corporate, "value": "ent"},
        ],
        "description": None,
    }
    if with_sources is not None:
        field["connector_sources"] = with_sources
    return field


def _credential_field(
    name: str,
    *,
    label: str,
    kind: str,
    regex: str | None,
    sources: list[str],
    description: str | None = None,
) -> dict[str, Any]:
    """A required credential of the website sources' login form."""
    return {
        "name": name,
        "label": label,
        "type": kind,
        "required": True,
        "regex": regex,
        "auth_mechanisms": ["credentials"],
        "connector_sources": sources,
        "description": description,
    }


def connector_fields(
    country: str, family: str, source_names: list[str], rng: random.Random
) -> list[dict[str, Any]]:
    """ConnectorField[]: credentials for website sources, an account-type list for banks."""
    labels = _labels(country)
    website_sources = [name for name in source_names if name != "openapi"]
    fields: list[dict[str, Any]] = []
    if website_sources:
        bill = family == "bill"
        pin = family == "bank" and country == "fr" and rng.random() < 0.6
        fields.append(
            _credential_field(
                "login",
                label="Adresse e-mail" if bill and country == "fr" else labels.login,
                kind="text",
                regex=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$" if bill else rng.choice(_LOGIN_REGEXES),
                sources=website_sources,
            )
        )
        fields.append(
            _credential_field(
                "password",
                label=labels.pin if pin else labels.password,
                kind="password",
                regex=r"^\d{6}$" if pin else None,
                sources=website_sources,
            )
        )
        if family == "wealth" and rng.random() < 0.3:
            fields.append(
                _credential_field(
                    "birthday",
                    label="Date de naissance" if country == "fr" else "Date of birth",
                    kind="date",
                    regex=None,
                    sources=website_sources,
                    description="JJ/MM/AAAA" if country == "fr" else None,
                )
            )
    if family in {"bank", "online"} and rng.random() < 0.5:
        fields.append(_account_type_field(country, source_names))
    return fields


def payment_fields(country: str) -> list[dict[str, Any]]:
    """ConnectorPaymentField[]: the same shape as fields, without ``connector_sources``."""
    return [_account_type_field(country, None)]


def payment_settings(rng: random.Random) -> dict[str, Any]:
    """PaymentSettings exactly as documented, including the nulls seen live."""
    date_types = ["first_open_day", "deferred"]
    if rng.random() < 0.7:
        date_types.append("instant")
    if rng.random() < 0.5:
        date_types.append("periodic")
    bulk = rng.choice([1, 1, 10, 100])
    return {
        "available_validate_mechanisms": ["webauth"],
        "beneficiary_types": ["iban"],
        "execution_date_types": date_types,
        "execution_frequencies": ["weekly", "monthly"] if "periodic" in date_types else [],
        "maximum_number_of_instructions": bulk,
        "providing_payer_account": rng.choice(["optional", "mandatory", "not_used"]),
        "partial_status_tracking": ["instant"] if "instant" in date_types and rng.random() < 0.3
        else [],
        "is_app_to_app_used": {"android": rng.choice([True, False, None]),
                               "ios": rng.choice([True, False, None])},
        "bank_provides_payer_account": rng.choice([True, False, None]),
        "bank_provides_payer_label": rng.choice([True, False, None]),
        "transfer_date_types_where_trusted_beneficiary_required": [],
        "cancellation_available": rng.random() < 0.5,
        "minimum_amount": {t: 0.0 if t != "instant" else 1.0 for t in date_types},
        "maximum_amount": {t: 4000.0 if t != "instant" else 1000.0 for t in date_types}
        if rng.random() < 0.8
        else None,
        "minimum_date_delta_days": 1,
        "maximum_date_delta_days": rng.choice([30, 90, 365, None]),
        "bulk_execution_date_types": ["first_open_day", "deferred"] if bulk > 1 else [],
        "bulk_providing_payer_account": "optional" if bulk > 1 else "not_used",
        "trusted_beneficiaries_required_for_bulk": False,
    }  # fmt: skip
