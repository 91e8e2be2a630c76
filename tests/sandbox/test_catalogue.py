"""The bundled catalogue meets the size, country and variety rules; generation is deterministic."""

import re
from collections import Counter

import pytest

from sandbox.backend import bundled_catalogue, generated_catalogue

PUBLISHED_UUIDS = {
    "BNP Paribas": "f711dd7a-6289-5bda-b3a4-f2febda8c046",
    "BoursoBank": "07d76adf-ae35-5b38-aca8-67aafba13169",
    "Société Générale": "f5c29767-1bc8-5337-9e4e-68a0fbd91c9a",
    "Crédit Agricole": "d840908d-5157-5819-8296-474fa4534564",
    "La Banque Postale": "33f88657-7ab0-5dbe-b8c3-c98e614afc28",
    "LCL": "ad5928c7-89ce-5977-a66d-3360e3aa4029",
    "Revolut": "8f2b0418-c344-574e-8438-fc0878ade068",
    "N26": "1f6220d2-cc45-541e-b4ef-6a3c3dd92421",
}
REQUIRED_NAMES = {
    "Crédit Agricole Alpes Provence", "Crédit Agricole d'Ile-de-France", "CIC", "Crédit Mutuel",
    "Hello bank!", "Fortuneo", "ING España", "Banco Santander", "BBVA", "CaixaBank",
    "Deutsche Bank", "Commerzbank", "Intesa Sanpaolo", "UniCredit", "KBC", "Belfius",
    "ABN AMRO", "Rabobank", "Millennium bcp", "Barclays", "HSBC UK", "Lloyds Bank", "Monzo",
    "EDF", "Engie", "Orange", "SFR", "Free", "AXA", "Linxea", "Εθνική Τράπεζα της Ελλάδος",
}  # fmt: skip
PAYMENT_KEYS = {
    "available_validate_mechanisms", "beneficiary_types", "execution_date_types",
    "execution_frequencies", "maximum_number_of_instructions", "providing_payer_account",
    "partial_status_tracking", "is_app_to_app_used", "bank_provides_payer_account",
    "bank_provides_payer_label", "transfer_date_types_where_trusted_beneficiary_required",
    "cancellation_available", "minimum_amount", "maximum_amount", "minimum_date_delta_days",
    "maximum_date_delta_days",
}  # fmt: skip


@pytest.fixture(scope="module")
def catalogue():
    return bundled_catalogue()


def test_size_and_countries(catalogue):
    countries = Counter(c["countries"][0]["id"] for c in catalogue)
    assert len(catalogue) >= 300
    assert {"fr", "de", "es", "it", "be", "nl", "pt", "gb", "ie", "lu", "at", "ch"} <= set(
        countries
    )
    assert countries["fr"] > len(catalogue) / 2


def test_real_names_and_published_uuids(catalogue):
    by_name = {c["name"]: c for c in catalogue}
    assert set(by_name) >= REQUIRED_NAMES
    assert sum(name.startswith("Crédit Agricole ") for name in by_name) >= 30
    assert sum(name.startswith("Caisse d'Epargne") for name in by_name) >= 10
    for name, uuid in PUBLISHED_UUIDS.items():
        assert by_name[name]["uuid"] == uuid
    assert by_name["BNP Paribas"]["code"] == "30004" and by_name["BoursoBank"]["slug"] == "BOU"


def test_names_cover_accents_apostrophes_and_non_latin_scripts(catalogue):
    names = [c["name"] for c in catalogue]
    assert any("é" in n for n in names) and any("'" in n for n in names)
    assert any(re.search("[\u0370-\u03ff]", n) for n in names)  # Greek
    assert any(re.search("[\u0400-\u04ff]", n) for n in names)  # Cyrillic


def test_identifiers_are_unique(catalogue):
    assert len({c["uuid"] for c in catalogue}) == len(catalogue)
    assert len({c["id"] for c in catalogue}) == len(catalogue)
    source_ids = [s["id"] for c in catalogue for s in c["sources"]]
    assert len(set(source_ids)) == len(source_ids)


def test_sources_and_fields_are_realistic(catalogue):
    assert all(1 <= len(c["sources"]) <= 3 for c in catalogue)
    kinds = {s["name"] for c in catalogue for s in c["sources"]}
    assert kinds == {"directaccess", "openapi", "fallback"}
    assert any(s["disabled"] for c in catalogue for s in c["sources"])
    fields = [f for c in catalogue for f in c["fields"]]
    labels = {f["label"] for f in fields}
    assert {"Identifiant", "Mot de passe", "Code confidentiel"} <= labels
    assert any(f["regex"] for f in fields)
    lists = [f for f in fields if f["type"] == "list"]
    assert lists and all(f["values"] and {"label", "value"} <= set(f["values"][0]) for f in lists)


def test_flags_products_and_payment_settings(catalogue):
    for flag in ("hidden", "beta", "restricted", "charged"):
        assert 0 < sum(bool(c[flag]) for c in catalogue) < len(catalogue) / 3, flag
    products = Counter(p for c in catalogue for p in c["products"])
    assert {"bank", "wealth", "bill", "pay"} <= set(products)
    pay = [c for c in catalogue if "payment_settings" in c]
    assert len(pay) >= 30
    for connector in pay:
        assert "pay" in connector["products"] and connector["payment_fields"]
        assert set(connector["payment_settings"]) >= PAYMENT_KEYS
    assert all("payment_settings" not in c for c in catalogue if "pay" not in c["products"])
    assert any(c["payment_settings"]["maximum_amount"] is None for c in pay)


def test_bill_providers_have_a_valid_siret(catalogue):
    bills = [c for c in catalogue if "bill" in c["products"]]
    assert len(bills) >= 20
    for connector in bills:
        siret = connector["siret"]
        assert re.fullmatch(r"\d{14}", siret)
        digits = [int(d) for d in reversed(siret)]
        assert (
            sum(d if i % 2 == 0 else sum(divmod(d * 2, 10)) for i, d in enumerate(digits)) % 10 == 0
        )
    edf = next(c for c in bills if c["name"] == "EDF")
    assert edf["siret"].startswith("552081317")


def test_bundled_catalogue_is_deterministic(catalogue):
    assert bundled_catalogue() == catalogue


def test_generated_catalogue_is_deterministic_and_seeded():
    first = generated_catalogue(300, seed=1)
    assert first == generated_catalogue(300, seed=1)
    assert first != generated_catalogue(300, seed=2)
    assert len(first) == 300 and len({c["uuid"] for c in first}) == 300
    assert generated_catalogue(10, seed=1) == first[:10]
