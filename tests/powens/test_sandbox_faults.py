"""Injected sandbox faults through the real client: every error class, retries, lost writes."""

from datetime import UTC, datetime

import pytest

from connectors_ui.powens.client import call_count
from connectors_ui.powens.errors import (
    PowensAuthError,
    PowensBadRequest,
    PowensConflict,
    PowensMalformedResponse,
    PowensNotFound,
    PowensRateLimited,
    PowensTimeout,
    PowensUnavailable,
)

from .conftest import sandbox_client


def hidden_in_sandbox(uuid: str) -> bool | None:
    from sandbox.models import SandboxConnector

    return SandboxConnector.objects.get(uuid=uuid).hidden


@pytest.fixture
def target(small_sandbox) -> dict:
    """A visible connector with sources (Crédit Agricole d'Ile-de-France)."""
    connector = small_sandbox[1]
    assert connector["hidden"] is not True and connector["sources"]
    return connector


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, PowensBadRequest),
        (401, PowensAuthError),
        (403, PowensAuthError),
        (404, PowensNotFound),
        (409, PowensConflict),
        (429, PowensRateLimited),
        (500, PowensUnavailable),
        (502, PowensUnavailable),
        (503, PowensUnavailable),
        (504, PowensUnavailable),
    ],
)
def test_injected_status_gives_its_error_class(target, faults, sleeps, status, error_class):
    client = sandbox_client(sleeps, max_retries=0)
    faults.inject("status", status=status, endpoint="E2")

    with pytest.raises(error_class) as info:
        client.get_connector(target["uuid"])

    assert info.value.status == status
    assert isinstance(info.value.request_id, int)


def test_get_retries_a_503_then_succeeds(target, faults, sb, sleeps) -> None:
    faults.inject("status", status=503, endpoint="E1", count=1)

    result = sb.list_connectors(include_hidden=True)

    assert target["uuid"] in {c.uuid for c in result.connectors}
    assert call_count() == 2
    assert sleeps == [0.5]


def test_get_gives_up_after_max_retries(target, faults, sb, sleeps) -> None:
    faults.inject("status", status=503, endpoint="E6", count=5)

    with pytest.raises(PowensUnavailable):
        sb.list_sources(target["uuid"])

    assert call_count() == 3
    assert sleeps == [0.5, 1.0]


def test_500_is_a_bug_not_retried(target, faults, sb, sleeps) -> None:
    faults.inject("status", status=500, endpoint="E7", count=1)

    with pytest.raises(PowensUnavailable) as info:
        sb.get_source(target["uuid"], target["sources"][0]["id"])

    assert info.value.code == "bug"
    assert call_count() == 1


def test_429_retry_after_is_honoured(target, faults, sb, sleeps) -> None:
    faults.inject("status", status=429, retry_after=2, endpoint="E2", count=1)

    assert sb.get_connector(target["uuid"]).uuid == target["uuid"]
    assert sleeps == [2.0]


def test_429_retry_after_beyond_the_cap_is_reported(target, faults, sb, sleeps) -> None:
    faults.inject("status", status=429, retry_after=90, endpoint="E2", count=1)

    with pytest.raises(PowensRateLimited) as info:
        sb.get_connector(target["uuid"])

    assert info.value.retry_after == 90.0
    assert (call_count(), sleeps) == (1, [])


def test_reset_on_a_read_is_retried(target, faults, sb, sleeps) -> None:
    faults.inject("reset", endpoint="E7", count=1)

    source = sb.get_source(target["uuid"], target["sources"][0]["id"])

    assert source.id == target["sources"][0]["id"]
    assert call_count() == 2


def test_repeated_resets_on_a_read_are_unavailable(target, faults, sb) -> None:
    faults.inject("reset", endpoint="E2", count=3)

    with pytest.raises(PowensUnavailable):
        sb.get_connector(target["uuid"])

    assert call_count() == 3


def test_timeout_on_a_read(target, faults, sb) -> None:
    faults.inject("timeout", endpoint="E1")

    with pytest.raises(PowensTimeout):
        sb.list_connectors()

    assert call_count() == 1


def test_latency_beyond_the_read_timeout_is_a_timeout(target, faults, sleeps) -> None:
    client = sandbox_client(sleeps, read_timeout=0.05)
    faults.inject("latency", endpoint="E2", delay_ms=2000)

    with pytest.raises(PowensTimeout):
        client.get_connector(target["uuid"])


def test_malformed_read(target, faults, sb) -> None:
    faults.inject("malformed", endpoint="E1")

    with pytest.raises(PowensMalformedResponse):
        sb.list_connectors(expand=["sources"])

    assert call_count() == 1


def test_503_on_a_write_is_not_retried_and_not_applied(target, faults, sb, sleeps) -> None:
    faults.inject("status", status=503, endpoint="E3", count=1)

    with pytest.raises(PowensUnavailable):
        sb.update_connector(target["uuid"], hidden=True)

    assert hidden_in_sandbox(target["uuid"]) is not True
    assert (call_count(), sleeps) == (1, [])


@pytest.mark.parametrize("kind", ["timeout", "reset"])
def test_lost_answer_to_an_applied_write_is_outcome_unknown(target, faults, sb, kind) -> None:
    """The write happened; the client must say 'unknown', never 'failed', and not retry."""
    faults.inject(kind, endpoint="E3", apply_write=True)

    with pytest.raises(PowensTimeout):
        sb.update_connector(target["uuid"], hidden=True)

    assert call_count() == 1
    assert hidden_in_sandbox(target["uuid"]) is True
    assert sb.get_connector(target["uuid"]).hidden is True  # reconciliation reads it back


def test_reset_on_a_source_write_is_outcome_unknown(target, faults, sb) -> None:
    source_id = target["sources"][0]["id"]
    faults.inject("reset", endpoint="E8", apply_write=True)

    with pytest.raises(PowensTimeout):
        sb.update_source(target["uuid"], source_id, disabled=datetime(2026, 1, 1, tzinfo=UTC))

    assert sb.get_source(target["uuid"], source_id).is_disabled


def test_malformed_answer_to_an_applied_batch(target, faults, sb, small_sandbox) -> None:
    other = small_sandbox[3]["uuid"]
    faults.inject("malformed", endpoint="E4", apply_write=True)

    with pytest.raises(PowensMalformedResponse):
        sb.batch_update_connectors({target["uuid"]: {"hidden": True}, other: {"hidden": True}})

    assert call_count() == 1
    assert (hidden_in_sandbox(target["uuid"]), hidden_in_sandbox(other)) == (True, True)


def test_faults_on_the_deprecated_batch(target, faults, sb) -> None:
    faults.inject("status", status=429, retry_after=1, endpoint="E5")

    with pytest.raises(PowensRateLimited) as info:
        sb.update_connectors_by_ids([target["id"]], hidden=True)

    assert info.value.retry_after == 1.0
    assert call_count() == 1
    assert hidden_in_sandbox(target["uuid"]) is not True
