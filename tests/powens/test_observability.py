"""One log line and one count per HTTP attempt; the config token never shows anywhere."""

import logging
import pickle
import threading

import pytest
import requests

from connectors_ui.powens.client import PowensClient, call_count, reset_call_count
from connectors_ui.powens.errors import PowensAuthError, PowensError, PowensTimeout

from . import payloads
from .conftest import BASE, TOKEN

UUID = payloads.UUID
URL = f"{BASE}/connectors/{UUID}"


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "powens.client"]


def test_one_log_line_per_attempt(api, client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="powens.client")
    api.get(URL, status=503, json={"code": "maintenance", "request_id": 918273645})
    api.get(URL, json=payloads.connector())

    client.get_connector(UUID)

    lines = [r.getMessage() for r in records(caplog)]
    assert len(lines) == 2
    assert lines[0].startswith(f"GET /connectors/{UUID} -> 503 in ")
    assert "request_id=918273645, attempt=1" in lines[0]
    assert lines[1].startswith(f"GET /connectors/{UUID} -> 200 in ")
    assert "attempt=2" in lines[1]
    assert [r.levelno for r in records(caplog)] == [logging.WARNING, logging.INFO]
    assert isinstance(records(caplog)[0].powens_duration_ms, int)


def test_log_line_names_failures_without_a_response(api, client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="powens.client")
    api.put(URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(PowensTimeout):
        client.update_connector(UUID, hidden=True)

    [line] = [r.getMessage() for r in records(caplog)]
    assert line.startswith(f"PUT /connectors/{UUID} -> ReadTimeout in ")


def test_log_line_has_no_query_values(api, client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="powens.client")
    api.get(f"{BASE}/connectors", json={"connectors": [], "total": 0})

    client.list_connectors(country_codes=["zz-secretish"], id_payment=987654)

    [line] = [r.getMessage() for r in records(caplog)]
    assert "zz-secretish" not in line
    assert "987654" not in line


def test_call_count_counts_every_attempt(api, client) -> None:
    api.get(URL, status=503)
    api.get(URL, json=payloads.connector())
    api.put(URL, json=payloads.connector())

    client.get_connector(UUID)
    client.update_connector(UUID, hidden=False)

    assert call_count() == 3
    reset_call_count()
    assert call_count() == 0


def test_call_count_is_thread_safe(api, client) -> None:
    threads_count, calls_each = 8, 25
    for _ in range(threads_count * calls_each):
        api.get(URL, json=payloads.minimal(UUID))

    def work() -> None:
        for _ in range(calls_each):
            client.get_connector(UUID)

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert call_count() == threads_count * calls_each


def test_client_repr_and_attributes_hide_the_token() -> None:
    client = PowensClient(base_url=BASE, config_token=TOKEN)

    assert TOKEN not in repr(client)
    assert TOKEN not in str(client)
    assert TOKEN not in repr(vars(client))
    assert "config_token=set" in repr(client)


ECHO = f"Bad header Authorization: Bearer {TOKEN}"


@pytest.mark.parametrize(
    "echo_body",
    [
        {"code": "unauthorized", "description": ECHO, "message": ECHO, "request_id": 1},
        {"code": f"bad-{TOKEN}", "description": f"token={TOKEN}", "request_id": 1},
        {"code": "unauthorized", "description": "Bearer someone-elses-token"},
    ],
    ids=["bearer-echo", "bare-token", "other-bearer"],
)
def test_errors_never_contain_the_token(api, client, caplog, echo_body) -> None:
    """Even when Powens (or a proxy) echoes the Authorization header back."""
    caplog.set_level(logging.DEBUG)
    api.put(URL, status=401, json=echo_body, headers={"X-Echo": f"Bearer {TOKEN}"})

    with pytest.raises(PowensAuthError) as info:
        client.update_connector(UUID, hidden=True)

    error = info.value
    texts = [
        str(error),
        repr(error),
        repr(error.args),
        repr(vars(error)),
        repr(pickle.loads(pickle.dumps(error))),
        caplog.text,
    ]
    for text in texts:
        assert TOKEN not in text
        assert "someone-elses-token" not in text
    assert "[redacted]" in (error.description or "")


def test_connection_failure_on_write_does_not_leak_the_request(api, client, caplog) -> None:
    """requests exceptions hold the prepared request, Authorization header included."""
    caplog.set_level(logging.DEBUG)
    api.put(URL, body=requests.ConnectionError(f"reset while sending Bearer {TOKEN}"))

    with pytest.raises(PowensError) as info:
        client.update_connector(UUID, hidden=True)

    error = info.value
    assert error.__context__ is None and error.__cause__ is None
    assert TOKEN not in str(error) + repr(error) + repr(error.args) + caplog.text
