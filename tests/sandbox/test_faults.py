"""Fault injection through the in-process transport: every kind, count, rate, apply_write."""

import time

import pytest
import requests

from sandbox.models import SandboxConnector, SandboxFault

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
AUTH = {"Authorization": "Bearer sandbox-config-token"}


def hidden():
    return SandboxConnector.objects.get(uuid=BNP).hidden


def hide(session, base_url, **kwargs):
    return session.put(f"{base_url}/connectors/{BNP}", json={"hidden": True}, headers=AUTH,
                       **kwargs)  # fmt: skip


@pytest.mark.parametrize(
    ("status", "code"), [(500, "bug"), (503, "maintenance"), (502, "badGateway"), (409, "conflict")]
)
def test_status_fault_answers_with_the_envelope_once(
    session, base_url, small_sandbox, faults, status, code
):
    faults.inject("status", status=status, endpoint="E1")
    response = session.get(f"{base_url}/connectors")
    assert response.status_code == status
    assert response.json()["code"] == code and isinstance(response.json()["request_id"], int)
    assert session.get(f"{base_url}/connectors").status_code == 200
    assert not SandboxFault.objects.exists()


def test_429_carries_retry_after(session, base_url, small_sandbox, faults):
    faults.inject("status", status=429, retry_after=7)
    response = session.get(f"{base_url}/connectors/{BNP}")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["code"] == "tooManyRequests"


def test_status_fault_on_a_write_does_not_apply_it(session, base_url, small_sandbox, faults):
    faults.inject("status", status=500, method="PUT")
    assert hide(session, base_url).status_code == 500
    assert hidden() is False


def test_status_fault_with_apply_write_applies_then_fails(session, base_url, small_sandbox, faults):
    faults.inject("status", status=503, method="PUT", apply_write=True)
    assert hide(session, base_url).status_code == 503
    assert hidden() is True


def test_count_fires_on_the_next_n_matching_calls(session, base_url, small_sandbox, faults):
    faults.inject("status", status=503, endpoint="E2", count=2)
    assert session.get(f"{base_url}/connectors").status_code == 200
    statuses = [session.get(f"{base_url}/connectors/1").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_endpoint_and_method_filters(session, base_url, small_sandbox, faults):
    faults.inject("status", status=500, endpoint="E8")
    faults.inject("status", status=503, method="PATCH")
    assert session.get(f"{base_url}/connectors/{BNP}/sources/101").status_code == 200
    assert hide(session, base_url).status_code == 200
    batch = session.patch(f"{base_url}/connectors", json={BNP: {"hidden": False}}, headers=AUTH)
    assert batch.status_code == 503
    source = session.put(f"{base_url}/connectors/{BNP}/sources/101", json={"disabled": True},
                         headers=AUTH)  # fmt: skip
    assert source.status_code == 500
    assert hidden() is True


def test_deprecated_batch_is_its_own_endpoint(session, base_url, small_sandbox, faults):
    faults.inject("status", status=500, endpoint="E5")
    assert hide(session, base_url).status_code == 200
    by_ids = session.put(f"{base_url}/connectors/1,7", json={"hidden": False}, headers=AUTH)
    assert by_ids.status_code == 500
    assert hidden() is True


def test_rate_is_deterministic_and_lasts_until_cleared(session, base_url, small_sandbox, faults):
    def pattern():
        faults.clear()
        faults.inject("status", status=500, rate=0.5, seed=3)
        return [session.get(f"{base_url}/connectors/1").status_code for _ in range(30)]

    first = pattern()
    assert first == pattern()
    assert 5 < first.count(500) < 25 and first.count(200) + first.count(500) == 30
    faults.clear()
    assert session.get(f"{base_url}/connectors/1").status_code == 200


def test_rate_bounds(session, base_url, small_sandbox, faults):
    faults.inject("status", status=500, rate=0.0)
    assert {session.get(f"{base_url}/connectors/1").status_code for _ in range(5)} == {200}
    faults.clear()
    faults.inject("status", status=500, rate=1.0)
    assert {session.get(f"{base_url}/connectors/1").status_code for _ in range(5)} == {500}


def test_timeout_raises_read_timeout_without_applying(session, base_url, small_sandbox, faults):
    faults.inject("timeout", method="PUT")
    with pytest.raises(requests.exceptions.ReadTimeout):
        hide(session, base_url, timeout=(1, 2))
    assert hidden() is False


def test_timeout_with_apply_write_applies_it(session, base_url, small_sandbox, faults):
    faults.inject("timeout", endpoint="E3", apply_write=True, delay_ms=50)
    started = time.perf_counter()
    with pytest.raises(requests.exceptions.ReadTimeout):
        hide(session, base_url, timeout=(1, 0.02))
    assert 0.02 <= time.perf_counter() - started < 1
    assert hidden() is True


def test_reset_raises_connection_error(session, base_url, small_sandbox, faults):
    faults.inject("reset", endpoint="E1")
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(f"{base_url}/connectors")
    faults.inject("reset", method="PUT", apply_write=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        hide(session, base_url)
    assert hidden() is True


def test_malformed_is_a_200_with_truncated_json(session, base_url, small_sandbox, faults):
    faults.inject("malformed", endpoint="E1")
    response = session.get(f"{base_url}/connectors")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()
    assert response.text.startswith('{"connectors": [')


def test_malformed_write_applies_only_with_apply_write(session, base_url, small_sandbox, faults):
    faults.inject("malformed", method="PUT")
    with pytest.raises(requests.exceptions.JSONDecodeError):
        hide(session, base_url).json()
    assert hidden() is False
    faults.inject("malformed", method="PUT", apply_write=True)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        hide(session, base_url).json()
    assert hidden() is True


def test_latency_delays_the_answer(session, base_url, small_sandbox, faults):
    faults.inject("latency", delay_ms=120, endpoint="E2")
    started = time.perf_counter()
    response = session.get(f"{base_url}/connectors/1")
    assert response.status_code == 200 and time.perf_counter() - started >= 0.12
    assert response.elapsed.total_seconds() >= 0.12


def test_latency_beyond_the_read_timeout_is_a_timeout(session, base_url, small_sandbox, faults):
    faults.inject("latency", delay_ms=5000, method="PUT")
    with pytest.raises(requests.exceptions.ReadTimeout):
        hide(session, base_url, timeout=(1, 0.05))
    assert hidden() is True  # the server finished the write after the client gave up


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "explode"},
        {"kind": "status"},
        {"kind": "status", "status": 99},
        {"kind": "latency"},
        {"kind": "reset", "endpoint": "E9"},
        {"kind": "reset", "rate": 1.5},
        {"kind": "reset", "count": 0},
    ],
)
def test_inject_refuses_meaningless_faults(faults, kwargs):
    with pytest.raises(ValueError):
        faults.inject(kwargs.pop("kind"), **kwargs)
    assert not SandboxFault.objects.exists()


def test_clear_removes_every_fault(faults):
    faults.inject("reset")
    faults.inject("status", status=500, rate=0.2)
    assert faults.clear() == 2
    assert faults.active() == []
