"""Two demo domains loaded and refreshed: the sandbox's catalogue and production's variant."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.context import domain_scope
from connectors_ui.models import CatalogueSync
from sandbox.catalogue import small_catalogue
from sandbox.variants import load_demo_domains, production_variant

SANDBOX, PRODUCTION = "demo-sandbox", "demo-production"
_small = cache(small_catalogue)


def refresh_every_domain() -> None:
    for name in (SANDBOX, PRODUCTION):
        with domain_scope(name):
            sync = catalogue_refresh(trigger=CatalogueSync.Trigger.TEST)
            assert sync.status == CatalogueSync.Status.SUCCESS, sync.error


@pytest.fixture
def two_domains(db: None) -> dict[str, list[dict[str, Any]]]:
    """The bundled catalogue on demo-sandbox, its production variant on demo-production, and
    both local copies refreshed from them (one call each)."""
    from sandbox.backend import bundled_catalogue

    connectors = bundled_catalogue()
    load_demo_domains(connectors, replace=True)
    refresh_every_domain()
    return {SANDBOX: connectors, PRODUCTION: production_variant(connectors)}


@pytest.fixture
def two_small_domains(db: None) -> dict[str, list[dict[str, Any]]]:
    """The small catalogue on both domains, identical: tests make their own differences."""
    connectors = copy.deepcopy(_small())
    from sandbox.domains import sandbox_domain_scope
    from sandbox.loading import load_catalogue

    for name in (SANDBOX, PRODUCTION):
        with sandbox_domain_scope(name):
            load_catalogue(copy.deepcopy(connectors), replace=True)
    refresh_every_domain()
    return {SANDBOX: connectors, PRODUCTION: connectors}
