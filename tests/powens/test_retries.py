"""Reads retry on transient failures, bounded and with backoff; writes never retry."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from connectors_ui.powens.client import PowensClient
from connectors_ui.powens.errors import (
    PowensError,
    PowensNotFound,
    PowensRateLimited,
    PowensTimeout,
    PowensUnavailable,
)

from . import payloads
from .conftest import BASE

UUID = payloads.UUID
URL = f"{BASE}/connectors/{UUID}"
UNAVAILABLE = {"code": "maintenance", "description": "Down for maintenance.", "request_id": 1}


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_retries_transient_status_then_succeeds(api, client, sleeps, status) -> None:
    api.get(URL, status=status, json=UNAVAILABLE)
    api.get(URL, json=payloads.connector())

    connector = client.get_connector(UUID)

    assert connector.uuid == UUID
    assert len(api.calls) == 2
    assert sleeps == [0.5]


def test_get_retries_connection_errors(api, client: PowensClient, sleeps) -> None:
    api.get(URL, body=requests.ConnectionError("Connection reset by peer"))
    api.get(URL, body=requests.ConnectTimeout("connect timed out"))
    api.get(URL, json=payloads.connector())

    assert client.get_connector(UUID).uuid == UUID
    assert sleeps == [0.5, 1.0]


def test_get_retries_are_bounded_with_exponential_backoff(api, client, sleeps) -> None:
    for _ in range(3):
        api.get(URL, status=503, json=UNAVAILABLE)

    with pytest.raises(PowensUnavailable) as info:
        client.get_connector(UUID)

    assert len(api.calls) == 3  # 1 + max_retries
    assert sleeps == [0.5, 1.0]
    assert info.value.status == 503


def test_backoff_is_capped(api, sleeps) -> None:
    client = PowensClient(
        base_url=BASE, config_token="x" * 20, max_retries=4, backoff=2.0, sleep=sleeps.append
    )
    for _ in range(5):
        api.get(URL, status=502)

    with pytest.raises(PowensUnavailable):
        client.get_connector(UUID)

    assert sleeps == [2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("status", [400, 401, 404, 409, 500])
def test_get_does_not_retry_other_errors(api, client, sleeps, status) -> None:
    api.get(URL, status=status, json={"code": "x"})

    with pytest.raises(PowensError):
        client.get_connector(UUID)

    assert len(api.calls) == 1
    assert sleeps == []


def test_get_does_not_retry_a_read_timeout(api, client, sleeps) -> None:
    """A slow Powens would make a page wait read_timeout x attempts."""
    api.get(URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(PowensTimeout):
        client.get_connector(UUID)

    assert len(api.calls) == 1


def test_max_retries_zero_means_one_attempt(api, sleeps) -> None:
    client = PowensClient(base_url=BASE, config_token="x" * 20, max_retries=0, sleep=sleeps.append)
    api.get(URL, status=503)

    with pytest.raises(PowensUnavailable):
        client.get_connector(UUID)

    assert len(api.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("PUT", lambda c: c.update_connector(UUID, hidden=True)),
        ("PATCH", lambda c: c.batch_update_connectors({UUID: {"hidden": True}})),
        ("PUT", lambda c: c.update_connectors_by_ids([40], hidden=True)),
        ("PUT", lambda c: c.update_source(UUID, 88, disabled=None)),
    ],
    ids=["E3", "E4", "E5", "E8"],
)
@pytest.mark.parametrize(
    "failure",
    [
        {"status": 503},
        {"status": 502},
        {"status": 429, "headers": {"Retry-After": "1"}},
        {"body": requests.ConnectionError("Connection reset by peer")},
        {"body": requests.ConnectTimeout("connect timed out")},
    ],
    ids=["503", "502", "429", "reset", "connect-timeout"],
)
def test_writes_are_never_retried(api, client, sleeps, method, call, failure) -> None:
    api.add(method, f"{BASE}/connectors", **failure)
    api.add(method, URL, **failure)
    api.add(method, f"{BASE}/connectors/40", **failure)
    api.add(method, f"{URL}/sources/88", **failure)
    api.assert_all_requests_are_fired = False

    with pytest.raises((PowensUnavailable, PowensRateLimited, PowensTimeout)):
        call(client)

    assert len(api.calls) == 1
    assert sleeps == []


def test_retry_after_is_honoured(api, client, sleeps) -> None:
    api.get(URL, status=429, headers={"Retry-After": "3"}, json={"code": "tooManyRequests"})
    api.get(URL, json=payloads.connector())

    client.get_connector(UUID)

    assert sleeps == [3.0]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_retry_after_is_honoured_on_gateway_and_maintenance_answers(
    api, client, sleeps, status
) -> None:
    api.get(URL, status=status, headers={"Retry-After": "3"}, json=UNAVAILABLE)
    api.get(URL, json=payloads.connector())

    client.get_connector(UUID)

    assert sleeps == [3.0]


def test_maintenance_retry_after_above_the_cap_gives_up_at_once(api, client, sleeps) -> None:
    api.get(URL, status=503, headers={"Retry-After": "3600"}, json=UNAVAILABLE)

    with pytest.raises(PowensUnavailable) as info:
        client.get_connector(UUID)

    assert info.value.retry_after == 3600.0
    assert len(api.calls) == 1
    assert sleeps == []


def test_retry_after_on_a_write_is_reported_not_waited_for(api, client, sleeps) -> None:
    api.put(URL, status=503, headers={"Retry-After": "2"}, json=UNAVAILABLE)

    with pytest.raises(PowensUnavailable) as info:
        client.update_connector(UUID, hidden=True)

    assert info.value.retry_after == 2.0
    assert len(api.calls) == 1
    assert sleeps == []


def test_retry_after_shorter_than_backoff_keeps_backoff(api, client, sleeps) -> None:
    api.get(URL, status=429, headers={"Retry-After": "0"})
    api.get(URL, json=payloads.connector())

    client.get_connector(UUID)

    assert sleeps == [0.5]


def test_retry_after_as_http_date(api, client, sleeps) -> None:
    when = datetime.now(UTC) + timedelta(seconds=4)
    api.get(URL, status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    api.get(URL, json=payloads.connector())

    client.get_connector(UUID)

    assert 0.5 <= sleeps[0] <= 4.0


def test_retry_after_above_the_cap_gives_up_at_once(api, client, sleeps) -> None:
    """Waiting an hour inside a page request is worse than saying 'try later'."""
    api.get(URL, status=429, headers={"Retry-After": "3600"}, json={"code": "tooManyRequests"})

    with pytest.raises(PowensRateLimited) as info:
        client.get_connector(UUID)

    assert info.value.retry_after == 3600.0
    assert len(api.calls) == 1
    assert sleeps == []


def test_unparseable_retry_after_falls_back_to_backoff(api, client, sleeps) -> None:
    api.get(URL, status=429, headers={"Retry-After": "soon"})
    api.get(URL, status=404, json={"code": "notFound"})

    with pytest.raises(PowensNotFound):
        client.get_connector(UUID)

    assert sleeps == [0.5]
