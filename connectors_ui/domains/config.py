"""Reading the domains from the environment: plain values, no Django, so settings can use it.

``POWENS_DOMAINS=acme-sandbox,acme`` names the domains (the first is the default); each one is
then described by ``POWENS_<NAME>_<KEY>`` variables, NAME upper-cased with ``-`` as ``_``:
``KIND`` (sandbox / production; default: sandbox when the name says so), ``LABEL``,
``DOMAIN`` (the Powens domain, default the name: ``https://<domain>.biapi.pro/2.0``),
``API_URL`` (a full base URL instead), ``CONFIG_TOKEN`` (secret) and ``CALLS_PER_MINUTE``.
"""

import re
from collections.abc import Mapping
from typing import Any

KINDS = ("sandbox", "production")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# Powens' published fair-usage limit of a sandbox domain.
SANDBOX_CALLS_PER_MINUTE = 30


class DomainConfigError(ValueError):
    """The environment describes the domains wrongly: start-up says which variable."""


def guessed_kind(name: str) -> str:
    return "sandbox" if "sandbox" in name else "production"


def default_calls_per_minute(kind: str) -> int:
    """A real sandbox domain has Powens' published budget; production's is contractual (0: no
    limit of ours unless ``CALLS_PER_MINUTE`` says one)."""
    return SANDBOX_CALLS_PER_MINUTE if kind == "sandbox" else 0


def _prefix(name: str) -> str:
    return "POWENS_" + name.upper().replace("-", "_") + "_"


def _domain(name: str, environ: Mapping[str, str]) -> dict[str, Any]:
    if not NAME.match(name):
        raise DomainConfigError(
            f"POWENS_DOMAINS: {name!r} is not a domain name (lower-case letters, digits, '-')."
        )
    prefix = _prefix(name)
    kind = environ.get(prefix + "KIND", "") or guessed_kind(name)
    if kind not in KINDS:
        raise DomainConfigError(f"{prefix}KIND must be sandbox or production, not {kind!r}.")
    powens_domain = environ.get(prefix + "DOMAIN", "") or name
    base_url = environ.get(prefix + "API_URL", "") or f"https://{powens_domain}.biapi.pro/2.0"
    calls = environ.get(prefix + "CALLS_PER_MINUTE", "")
    if calls and not calls.isdecimal():
        raise DomainConfigError(f"{prefix}CALLS_PER_MINUTE must be a whole number.")
    return {
        "name": name,
        "label": environ.get(prefix + "LABEL", "") or name,
        "kind": kind,
        "base_url": base_url.rstrip("/"),
        "config_token": environ.get(prefix + "CONFIG_TOKEN", ""),
        "calls_per_minute": int(calls) if calls else default_calls_per_minute(kind),
    }


def domains_from_env(names: list[str], environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """The domains ``POWENS_DOMAINS`` lists, each from its own variables."""
    names = [name.strip() for name in names if name.strip()]
    if len(set(names)) != len(names):
        raise DomainConfigError("POWENS_DOMAINS lists a domain twice.")
    return [_domain(name, environ) for name in names]
