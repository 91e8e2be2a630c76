"""How the demo domains differ, so that comparing and promoting can be tried offline.

The first domain (the demo sandbox) holds the catalogue as given. The others hold a copy that
differs the way a production domain drifts from its sandbox: a few connectors still only on the
sandbox (being tried out), a few enabled on one domain and hidden on the other, a few sources
disabled on one only, and two connectors that exist on production only. Deterministic: the
same catalogue gives the same differences.
"""

import copy
import uuid as uuid_module
from collections.abc import Collection
from typing import Any

from sandbox.catalogue import NAMESPACE
from sandbox.domains import sandbox_domain_scope, sandbox_domains
from sandbox.loading import load_catalogue
from sandbox.models import SandboxConnector

DISABLED_SINCE = "2024-01-15 09:00:00"


def _absent(position: int) -> bool:
    return position % 37 == 5


def _flip_hidden(position: int) -> bool:
    return position % 23 == 3


def _flip_source(position: int) -> bool:
    return position % 29 == 7


def _flipped_source(source: dict[str, Any]) -> dict[str, Any]:
    return {**source, "disabled": None if source.get("disabled") else DISABLED_SINCE}


def _production_only(connectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two connectors of production alone: copies of the first two under their own UUIDs."""
    extra = []
    for position, original in enumerate(connectors[:2]):
        twin = copy.deepcopy(original)
        twin["uuid"] = str(uuid_module.uuid5(NAMESPACE, f"production-only/{original['uuid']}"))
        twin["name"] = f"{original['name']} Entreprises"
        twin["id"] = None
        for source in twin.get("sources") or []:
            source["id"] = None
        twin["slug"] = f"{original.get('slug') or 'connector'}-pro-{position}"
        extra.append(twin)
    return extra


def empty_demo_domains() -> list[str]:
    """The sandbox domains without a connector yet: a database from before a domain was added
    (or from before domains) gets that domain's catalogue without the others being reset."""
    empty = []
    for name in sandbox_domains():
        with sandbox_domain_scope(name):
            if not SandboxConnector.objects.exists():
                empty.append(name)
    return empty


def production_variant(connectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalogue as a production domain holds it (see the module docstring)."""
    variant = []
    for position, original in enumerate(connectors):
        if _absent(position):
            continue
        connector = copy.deepcopy(original)
        if _flip_hidden(position):
            connector["hidden"] = not connector.get("hidden")
        sources = connector.get("sources") or []
        if _flip_source(position) and sources:
            sources[0] = _flipped_source(sources[0])
        variant.append(connector)
    return variant + _production_only(connectors)


def load_demo_domains(
    connectors: list[dict[str, Any]], *, replace: bool = False, only: Collection[str] = ()
) -> dict[str, int]:
    """Load the catalogue into the first sandbox domain and its variant into the others
    (``only`` these, when given)."""
    loaded = {}
    for position, name in enumerate(sandbox_domains()):
        if only and name not in only:
            continue
        with sandbox_domain_scope(name):
            data = connectors if position == 0 else production_variant(connectors)
            loaded[name] = load_catalogue(data, replace=replace)
    return loaded
