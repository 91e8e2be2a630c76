"""The Powens domains this dashboard serves, read from settings (themselves from the
environment): ``POWENS_DOMAINS`` and its per-domain variables (``config``); else the
single-domain settings (``POWENS_DOMAIN`` / ``POWENS_API_URL`` / ``POWENS_CONFIG_TOKEN``), one
domain as before; else the embedded sandbox's two demo domains, a sandbox and a production.

Read live from settings (cached until a ``POWENS_*`` setting changes), so a test that points
the single-domain settings elsewhere gets that one domain.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed

from connectors_ui.domains.config import default_calls_per_minute, guessed_kind


class UnknownDomain(LookupError):
    """No domain of that name is configured (a URL naming another one is a 404)."""


@dataclass(frozen=True)
class Domain:
    name: str
    label: str
    kind: str  # "sandbox" or "production"
    base_url: str
    calls_per_minute: int  # 0: no budget of ours
    embedded: bool = False  # answered in-process by the embedded sandbox
    # Never shown: out of repr, and no page or log line reads it (only the client does).
    config_token: str = field(default="", repr=False)

    @property
    def is_production(self) -> bool:
        return self.kind == "production"


def _embedded() -> list[Domain]:
    """The embedded sandbox's domains: the first at the sandbox's usual base URL (so one
    domain behaves exactly as before), the others under their own host name."""
    found = []
    for position, name in enumerate(settings.POWENS_SANDBOX_DOMAINS):
        base_url = settings.POWENS_SANDBOX_BASE_URL
        if position:
            base_url = f"http://{name}.sandbox.powens.invalid/2.0"
        kind = "production" if "production" in name else "sandbox"
        label = name.replace("-", " ").capitalize()
        calls = settings.POWENS_CALLS_PER_MINUTE or 0
        found.append(Domain(name, label, kind, base_url, calls, True, settings.POWENS_CONFIG_TOKEN))
    return found


def _single() -> Domain:
    """The one domain of the single-domain settings."""
    host = urlsplit(settings.POWENS_BASE_URL).hostname or "powens"
    name = settings.POWENS_DOMAIN or host.split(".")[0]
    kind = settings.POWENS_DOMAIN_KIND or guessed_kind(name)
    calls = settings.POWENS_CALLS_PER_MINUTE
    if calls is None:
        calls = default_calls_per_minute(kind)
    return Domain(
        name, name, kind, settings.POWENS_BASE_URL, calls, False, settings.POWENS_CONFIG_TOKEN
    )


def _configured(data: dict[str, Any]) -> Domain:
    return Domain(**data)


@functools.cache
def domains() -> tuple[Domain, ...]:
    """Every domain, the default one first."""
    if settings.POWENS_DOMAINS:
        return tuple(_configured(data) for data in settings.POWENS_DOMAINS)
    if not settings.POWENS_SANDBOX:
        return (_single(),)
    return tuple(_embedded())


def default_domain() -> Domain:
    return domains()[0]


def domain_get(name: str) -> Domain:
    """The domain called ``name``; ``UnknownDomain`` when there is none."""
    for domain in domains():
        if domain.name == name:
            return domain
    raise UnknownDomain(name)


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("POWENS_"):
        domains.cache_clear()


setting_changed.connect(_reset, dispatch_uid="powens-domains-reset")
