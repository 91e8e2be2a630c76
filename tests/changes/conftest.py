"""Fixtures for change tests: the small sandbox with the local copy refreshed from it."""

from typing import Any

import pytest

from audit.models import AuditEntry
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.powens import get_client


@pytest.fixture
def local_copy(small_sandbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seven sandbox connectors, mirrored in the local catalogue copy."""
    get_client.cache_clear()
    catalogue_refresh(trigger="test")
    return small_sandbox


@pytest.fixture
def bnp(local_copy: list[dict[str, Any]]) -> dict[str, Any]:
    """BNP Paribas: enabled, three sources (the second disabled)."""
    return local_copy[0]


def entries() -> list[AuditEntry]:
    """Every entry with its current outcome, oldest first."""
    from audit.selectors import with_current_outcome

    return list(with_current_outcome(AuditEntry.objects.all()).order_by("seq"))
