"""Deterministic catalogue builders: the bundled real-named catalogue and synthetic ones.

Every connector is an API object as E1 returns it with ``expand=fields,sources,countries,
payment_fields,urls`` (POWENS_API.md §3–§4). Variation comes from a ``random.Random`` seeded by
the connector's UUID, so the same input always yields the same catalogue.
"""

from __future__ import annotations

import random
import uuid as uuid_module
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from sandbox.catalogue_data import COUNTRY_NAMES, institutions
from sandbox.catalogue_fields import connector_fields, payment_fields, payment_settings

NAMESPACE = uuid_module.uuid5(uuid_module.NAMESPACE_URL, "https://sandbox.powens.invalid/")
BASE_TIME = datetime(2026, 7, 29, 19, 26, 59)
GENERATED_ID_START = 20_001
GENERATED_SOURCE_ID_START = 500_001
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the API's datetimes (POWENS_API.md §1)

_PROFILES: dict[str, dict[str, Any]] = {
    "bank": {
        "capabilities": ["bank", "bankwealth", "document", "profile", "transfer"],
        "products": ["bank", "wealth"],
        "account_types": ["checking", "card", "savings", "loan", "pea", "lifeinsurance", "market"],
        "sources": ("openapi", "directaccess", "fallback"),
    },
    "online": {
        "capabilities": ["bank", "document", "profile", "transfer"],
        "products": ["bank"],
        "account_types": ["checking", "card", "savings"],
        "sources": ("openapi", "directaccess"),
    },
    "wealth": {
        "capabilities": ["bankwealth", "document", "profile"],
        "products": ["wealth"],
        "account_types": ["lifeinsurance", "pea", "perp", "capitalisation", "market"],
        "sources": ("directaccess",),
    },
    "bill": {
        "capabilities": ["document", "profile"],
        "products": ["bill"],
        "account_types": [],
        "sources": ("directaccess",),
    },
}


def _when(rng: random.Random, max_days: int) -> str:
    return (BASE_TIME - timedelta(minutes=rng.randrange(max_days * 24 * 60))).strftime(
        DATETIME_FORMAT
    )


def _stability(rng: random.Random) -> dict[str, str]:
    roll = rng.random()
    status = "stable" if roll < 0.86 else "unstable" if roll < 0.96 else "down"
    return {"status": status, "last_update": _when(rng, 3)}


def _siret(siren: str, rng: random.Random) -> str:
    """A Luhn-valid SIRET: the real SIREN when known plus an illustrative establishment number."""
    body = siren + f"{rng.randrange(10000):04d}"
    for last in range(10):
        digits = [int(d) for d in body + str(last)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                    for i, d in enumerate(reversed(digits)))  # fmt: skip
        if total % 10 == 0:
            return body + str(last)
    raise AssertionError("unreachable: one check digit always fits")


def _sources(
    uid: str, kinds: tuple[str, ...], rng: random.Random, source_ids: Iterator[int], pay: Any
) -> list[dict[str, Any]]:
    sources = []
    for priority, kind in enumerate(kinds):
        mechanism = "webauth" if kind == "openapi" else "credentials"
        disabled = _when(rng, 700) if priority > 0 and rng.random() < 0.15 else None
        source: dict[str, Any] = {
            "id": next(source_ids),
            "uuid": str(uuid_module.uuid5(NAMESPACE, f"{uid}/{kind}")),
            "name": kind,
            "auth_mechanism": mechanism,
            "available_auth_mechanisms": [mechanism],
            "disabled": disabled,
            "priority": priority,
            "account_usages": ["PRIV", "ORGA"] if kind == "openapi" else ["PRIV"],
            "first_opening": _when(rng, 2000),
            "capabilities": ["bank", "document"] if kind != "directaccess" else ["document"],
            "disabled_capabilities": [],
            "stability": _stability(rng),
        }
        if kind == "fallback":
            source["fallback"] = "openapi"
        if kind == "openapi" and pay is not None:
            source["payment_settings"] = pay
        sources.append(source)
    return sources


def build_connector(
    name: str,
    country: str,
    family: str,
    extras: dict[str, Any],
    connector_id: int,
    source_ids: Iterator[int],
    uid: str | None = None,
) -> dict[str, Any]:
    """One connector in the API's expanded shape; deterministic for a given UUID."""
    uid = extras.get("uuid") or uid or str(uuid_module.uuid5(NAMESPACE, f"{country}/{name}"))
    rng = random.Random(uid)
    profile = _PROFILES[family]
    kinds = profile["sources"]
    if family in {"bank", "online"} and len(kinds) > 1 and rng.random() < 0.2:
        kinds = kinds[:1]
    wants_pay = family in {"bank", "online"} and "openapi" in kinds
    pay = payment_settings(rng) if extras.get("pay", wants_pay and rng.random() < 0.35) else None
    countries = extras.get("countries") or (country,)
    language = countries[0]
    sources = _sources(uid, kinds, rng, source_ids, pay)
    mechanisms = sorted({s["auth_mechanism"] for s in sources}, reverse=True)
    account_types = [t for t in profile["account_types"] if rng.random() < 0.8] or ["checking"]
    connector: dict[str, Any] = {
        "id": connector_id,
        "uuid": uid,
        "name": name,
        "hidden": extras.get("hidden", rng.random() < 0.06),
        "charged": rng.random() < 0.12,
        "code": extras.get("code"),
        "beta": rng.random() < 0.05,
        "color": extras.get("color", f"{rng.randrange(0x1000000):06x}"),
        "slug": extras.get("slug", "".join(w[0] for w in name.split()[:3]).upper() or None),
        "sync_frequency": None,
        "months_to_fetch": rng.choice([None, None, 12, 24, 36]),
        "auth_mechanism": sources[0]["auth_mechanism"],
        "available_auth_mechanisms": mechanisms,
        "transfer_mechanism": "credentials" if "transfer" in profile["capabilities"] else None,
        "siret": _siret(extras.get("siren") or f"{rng.randrange(10**9):09d}", rng)
        if family == "bill"
        else None,
        "restricted": rng.random() < 0.04,
        "stability": _stability(rng),
        "capabilities": list(profile["capabilities"]),
        "account_usages": ["PRIV", "ORGA"] if family in {"bank", "online"} else ["PRIV"],
        "account_types": account_types,
        "products": list(profile["products"]) + (["pay"] if pay is not None else []),
        "categories": [],
        "documents_type": ["bill"] if family == "bill" else [],
        "available_transfer_mechanisms": ["credentials"]
        if "transfer" in profile["capabilities"]
        else [],
        "transfer_beneficiary_types": ["iban"] if "transfer" in profile["capabilities"] else [],
        "transfer_execution_date_types": ["first_open_day", "deferred"]
        if "transfer" in profile["capabilities"]
        else [],
        "fields": connector_fields(language, family, [s["name"] for s in sources], rng),
        "sources": sources,
        "countries": [{"id": c, "name": COUNTRY_NAMES[c]} for c in countries],
        "urls": [extras["url"]] if extras.get("url") else [],
        "payment_fields": payment_fields(language) if pay is not None else [],
    }
    if pay is not None:
        connector["payment_settings"] = pay
    return connector


def bundled_catalogue(*, before_renames: bool = False) -> list[dict[str, Any]]:
    """The real-named catalogue shipped with the sandbox (377 connectors, 16 countries).

    ``before_renames``: as it was before its banks' renames (BoursoBank as "Boursorama
    Banque"), so a demo can show the copy remembering the old name once a refresh saw both."""
    source_ids = count(1001)
    return [
        build_connector(
            extras.get("formerly", name) if before_renames else name,
            country,
            family,
            extras,
            index,
            source_ids,
        )
        for index, (name, country, family, extras) in enumerate(institutions(), start=1)
    ]


_PREFIXES = ("Banque", "Caisse", "Crédit", "Bank", "Banco", "Sparkasse", "Caja", "Banca")
_PLACES = (
    "du Vercors", "de l'Armor", "Alpes-Maritimes", "Rheinland", "Galicia", "Toscana", "Brabant",
    "Zeeland", "Algarve", "Cornwall", "Connacht", "Tirol", "Valais", "Ελλάδος", "Пловдив",
    "d'Artois", "Mosel", "Navarra", "Piemonte", "Ardennes",
)  # fmt: skip
_SUFFIXES = ("", " Privée", " Mutuelle", " Direct", " & Cie", " Épargne")
_GENERATED_SHAPES = (
    ("fr", "bank"), ("fr", "online"), ("fr", "wealth"), ("fr", "bill"), ("de", "bank"),
    ("es", "bank"), ("it", "bank"), ("be", "bank"), ("nl", "online"), ("pt", "bank"),
    ("gb", "online"), ("fr", "bank"),
)  # fmt: skip


def generated_catalogue(count_: int, seed: int = 0) -> list[dict[str, Any]]:
    """A synthetic catalogue of any size for benchmarks; the same (count, seed) gives the same
    catalogue. Ids start above the bundled ranges so both can coexist."""
    rng = random.Random(seed)
    source_ids = count(GENERATED_SOURCE_ID_START)
    combos = len(_PREFIXES) * len(_PLACES) * len(_SUFFIXES)
    connectors = []
    for index in range(count_):
        prefix, place, suffix = (
            _PREFIXES[rng.randrange(len(_PREFIXES))],
            _PLACES[rng.randrange(len(_PLACES))],
            _SUFFIXES[rng.randrange(len(_SUFFIXES))],
        )
        name = f"{prefix} {place}{suffix}" + (f" {index // combos + 1}" if index >= combos else "")
        country, family = _GENERATED_SHAPES[rng.randrange(len(_GENERATED_SHAPES))]
        uid = str(uuid_module.uuid5(NAMESPACE, f"generated/{seed}/{index}"))
        connectors.append(
            build_connector(
                name, country, family, {}, GENERATED_ID_START + index, source_ids, uid=uid
            )
        )
    return connectors


_SMALL: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("BNP Paribas", "fr", "bank", {"code": "30004", "pay": True, "hidden": False,
                                   "uuid": "f711dd7a-6289-5bda-b3a4-f2febda8c046"}),
    ("Crédit Agricole d'Ile-de-France", "fr", "bank", {"pay": False, "hidden": False}),
    ("BoursoBank", "fr", "online", {"code": "40618", "slug": "BOU", "pay": False, "hidden": True,
                                    "uuid": "07d76adf-ae35-5b38-aca8-67aafba13169"}),
    ("Εθνική Τράπεζα της Ελλάδος", "gr", "bank", {"pay": False, "hidden": False}),
    ('<script>alert("x")</script> & Co', "fr", "wealth", {"hidden": False}),
    ('=HYPERLINK("http://evil.invalid","Banque")', "fr", "bill", {"hidden": False}),
    ("N26", "de", "online", {"pay": True, "hidden": False, "countries": ("de", "fr"),
                             "uuid": "1f6220d2-cc45-541e-b4ef-6a3c3dd92421"}),
)  # fmt: skip


def small_catalogue() -> list[dict[str, Any]]:
    """Seven connectors for fast tests: Pay-capable ones, a hidden one, non-Latin and hostile
    names (HTML, CSV formula), several sources on the first two."""
    source_ids = count(1001)
    connectors = [
        build_connector(name, country, family, extras, index, source_ids)
        for index, (name, country, family, extras) in enumerate(_SMALL, start=1)
    ]
    # A fixed shape tests can rely on: BNP has three sources, the second one disabled.
    bnp = connectors[0]
    bnp["sources"] = _sources(bnp["uuid"], ("openapi", "directaccess", "fallback"),
                              random.Random(1), count(101), bnp["payment_settings"])  # fmt: skip
    for source in bnp["sources"]:
        source["disabled"] = None
        source["stability"] = {"status": "stable", "last_update": "2026-07-29 19:26:59"}
    bnp["sources"][1]["disabled"] = "2024-03-01 09:12:44"
    return connectors
