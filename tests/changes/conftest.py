"""Fixtures for change tests: the small sandbox with the local copy refreshed from it."""

from typing import Any

import pytest

from audit.models import AuditEntry
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.powens import get_client
from connectors_ui.powens.client import PowensClient


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


def disable(actor: Any, connector: dict[str, Any], source_id: int | None = None) -> Any:
    """Disable ``connector`` (a sandbox dict), or its source ``source_id``, as an editor whose
    page showed it enabled; returns the ``ChangeResult``."""
    from connectors_ui.changes import connector_set_enabled, source_set_enabled

    common = {"actor": actor, "uuid": connector["uuid"], "enabled": False, "request_meta": None}
    if source_id is None:
        return connector_set_enabled(**common, reason="outage", seen_hidden=False)
    return source_set_enabled(**common, source_id=source_id, reason="api down", seen_disabled=False)


def disable_batch(actor: Any, uuids: list[str]) -> Any:
    """Disable ``uuids`` in one batch; returns the ``BatchResult``."""
    from connectors_ui.changes import batch_execute

    return batch_execute(
        actor=actor,
        uuids=uuids,
        enabled=False,
        reason="batch",
        confirm_count=None,
        request_meta=None,
    )


def entries() -> list[AuditEntry]:
    """Every entry with its current outcome, oldest first."""
    from audit.selectors import with_current_outcome

    return list(with_current_outcome(AuditEntry.objects.all()).order_by("seq"))


@pytest.fixture
def lose_answer(faults, monkeypatch):
    """``lose_answer(write_endpoint, write_method, read_endpoint)``: Powens applies the write
    but the answer is lost (timeout), and from then on every read of ``read_endpoint`` fails
    (500), so the read-back made at once cannot tell."""

    def lose(write_endpoint: str, write_method: str, read_endpoint: str) -> None:
        faults.inject("timeout", endpoint=write_endpoint, apply_write=True)
        original = getattr(PowensClient, write_method)

        def write_then_reads_fail(self, *args, **kwargs):
            try:
                return original(self, *args, **kwargs)
            finally:
                faults.inject("status", status=500, endpoint=read_endpoint, rate=1.0)

        monkeypatch.setattr(PowensClient, write_method, write_then_reads_fail)

    return lose
