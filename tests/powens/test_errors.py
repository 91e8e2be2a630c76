"""Every failure becomes one PowensError subclass carrying the status and Powens' envelope."""

import pickle

import pytest
import requests
from urllib3.exceptions import NewConnectionError

from connectors_ui.powens.client import PowensClient, call_count
from connectors_ui.powens.errors import (
    PowensAuthError,
    PowensBadRequest,
    PowensConflict,
    PowensError,
    PowensMalformedResponse,
    PowensNotFound,
    PowensRateLimited,
    PowensTimeout,
    PowensUnavailable,
)

from . import payloads
from .conftest import BASE, TOKEN

UUID = payloads.UUID
GET_URL = f"{BASE}/connectors/{UUID}"


def envelope(code: str, description: str = "Technical detail.", **extra):
    return {"code": code, "description": description, "message": None, "request_id": 4242, **extra}


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (400, "invalidValue", PowensBadRequest),
        (400, "missingParameter", PowensBadRequest),
        (401, "unauthorized", PowensAuthError),
        (403, "forbidden", PowensAuthError),
        (404, "notFound", PowensNotFound),
        (405, "methodNotAllowed", PowensBadRequest),
        (409, "connectionLocked", PowensConflict),
        (422, "somethingNew", PowensBadRequest),
        (429, "tooManyRequests", PowensRateLimited),
        (500, "bug", PowensUnavailable),
        (503, "maintenance", PowensUnavailable),
    ],
)
def test_status_picks_the_class_and_envelope_is_kept(api, status, code, error_class) -> None:
    api.put(GET_URL, status=status, json=envelope(code, message="Réessayez plus tard."))
    client = PowensClient(base_url=BASE, config_token=TOKEN, max_retries=0)

    with pytest.raises(error_class) as info:
        client.update_connector(UUID, hidden=True)

    error = info.value
    assert type(error) is error_class
    assert (error.status, error.code, error.request_id) == (status, code, 4242)
    assert error.description == "Technical detail."
    assert error.message == "Réessayez plus tard."
    assert str(error) == f"Powens HTTP {status} {code}: Technical detail. (request_id=4242)"


def test_unknown_code_is_handled_by_status(api, client: PowensClient) -> None:
    api.get(GET_URL, status=404, json=envelope("brandNewCode"))

    with pytest.raises(PowensNotFound) as info:
        client.get_connector(UUID)

    assert info.value.code == "brandNewCode"


def test_error_without_envelope_still_has_a_description(api, client: PowensClient) -> None:
    api.get(GET_URL, status=404, body="<html>Not Found</html>", content_type="text/html")

    with pytest.raises(PowensNotFound) as info:
        client.get_connector(UUID)

    error = info.value
    assert (error.status, error.code, error.message, error.request_id) == (404, None, None, None)
    assert error.description == "HTTP 404 Not Found"


def test_request_id_as_digit_string_is_read(api, client: PowensClient) -> None:
    api.get(GET_URL, status=404, json={"code": "notFound", "request_id": "918273645"})

    with pytest.raises(PowensNotFound) as info:
        client.get_connector(UUID)

    assert info.value.request_id == 918273645


def test_a_request_id_of_other_digits_is_dropped_not_fatal(api, client: PowensClient) -> None:
    """ "¹".isdigit() is true but int("¹") fails: the error must still be a PowensError."""
    api.get(GET_URL, status=404, json={"code": "notFound", "request_id": "¹²"})

    with pytest.raises(PowensNotFound) as info:
        client.get_connector(UUID)

    assert info.value.request_id is None


def test_rate_limited_carries_retry_after(api) -> None:
    api.get(GET_URL, status=429, json=envelope("tooManyRequests"), headers={"Retry-After": "17"})
    client = PowensClient(base_url=BASE, config_token=TOKEN, max_retries=0)

    with pytest.raises(PowensRateLimited) as info:
        client.get_connector(UUID)

    assert info.value.retry_after == 17.0


def test_rate_limited_without_retry_after(api) -> None:
    api.get(GET_URL, status=429, json=envelope("tooManyRequests"))
    client = PowensClient(base_url=BASE, config_token=TOKEN, max_retries=0)

    with pytest.raises(PowensRateLimited) as info:
        client.get_connector(UUID)

    assert info.value.retry_after is None


def test_redirect_is_not_followed(api, client: PowensClient) -> None:
    """A redirect could carry a write elsewhere; Powens' API does not redirect."""
    api.put(GET_URL, status=302, headers={"Location": "http://elsewhere.test/"})

    with pytest.raises(PowensError) as info:
        client.update_connector(UUID, hidden=True)

    assert info.value.status == 302
    assert len(api.calls) == 1


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (requests.ConnectTimeout("connect timed out"), PowensUnavailable),
        (
            requests.ConnectionError(NewConnectionError(None, "Connection refused")),
            PowensUnavailable,
        ),
        (requests.ConnectionError("Connection reset by peer"), PowensUnavailable),
        (requests.ReadTimeout("read timed out"), PowensTimeout),
        (requests.Timeout("timed out"), PowensTimeout),
        (requests.exceptions.ChunkedEncodingError("truncated"), PowensUnavailable),
        (requests.exceptions.InvalidURL("bad"), PowensUnavailable),
    ],
    ids=["connect-timeout", "refused", "reset", "read-timeout", "timeout", "chunked", "invalid"],
)
def test_read_failures_without_answer(api, failure, error_class, caplog) -> None:
    """People read the description (banners, change results): words, no exception class;
    developers find the class in the attempt's log line."""
    api.get(GET_URL, body=failure)
    client = PowensClient(base_url=BASE, config_token=TOKEN, max_retries=0)

    with caplog.at_level("INFO", logger="powens.client"), pytest.raises(error_class) as info:
        client.get_connector(UUID)

    assert type(info.value) is error_class
    assert info.value.status is None
    assert "Powens" in info.value.description
    assert type(failure).__name__ not in info.value.description
    assert type(failure).__name__ in caplog.records[-1].getMessage()


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (requests.ConnectTimeout("connect timed out"), PowensUnavailable),
        (
            requests.ConnectionError(NewConnectionError(None, "Connection refused")),
            PowensUnavailable,
        ),
        (requests.ConnectionError("Connection reset by peer"), PowensTimeout),
        (requests.exceptions.ChunkedEncodingError("truncated"), PowensTimeout),
        (requests.ReadTimeout("read timed out"), PowensTimeout),
    ],
    ids=["connect-timeout", "refused", "reset", "chunked", "read-timeout"],
)
def test_write_failures_say_whether_the_outcome_is_unknown(api, client, failure, error_class):
    """Never connected: certainly not applied. Sent, then lost: it may have been applied."""
    api.put(GET_URL, body=failure)

    with pytest.raises(error_class):
        client.update_connector(UUID, hidden=True)


def test_no_requests_exception_escapes_or_is_chained(api, client: PowensClient) -> None:
    api.get(GET_URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(PowensTimeout) as info:
        client.get_connector(UUID)

    assert info.value.__cause__ is None
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    "answer",
    [
        {"body": "<html>oops</html>", "content_type": "text/html"},
        {"body": '{"connectors": [', "content_type": "application/json"},
        {"body": b"\xff\xfe\x00garbage", "content_type": "application/json"},
        {"body": ""},
    ],
    ids=["html", "truncated", "binary", "empty"],
)
def test_non_json_success_is_malformed(api, client: PowensClient, answer) -> None:
    api.get(f"{BASE}/connectors", **answer)

    with pytest.raises(PowensMalformedResponse) as info:
        client.list_connectors()

    assert info.value.status == 200
    assert info.value.__context__ is None


def test_write_without_configured_token_is_refused_locally(api) -> None:
    client = PowensClient(base_url=BASE, config_token="")
    before = call_count()

    with pytest.raises(PowensAuthError) as info:
        client.update_connector(UUID, hidden=True)

    assert info.value.code == "missingConfigToken"
    assert len(api.calls) == 0
    assert call_count() == before


def test_errors_survive_pickling(api, client: PowensClient) -> None:
    api.get(GET_URL, status=429, json=envelope("tooManyRequests"), headers={"Retry-After": "60"})

    with pytest.raises(PowensRateLimited) as info:
        client.get_connector(UUID)

    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is PowensRateLimited
    assert (copy.status, copy.code, copy.retry_after, str(copy)) == (
        429,
        "tooManyRequests",
        60.0,
        str(info.value),
    )


def test_every_error_is_a_powens_error() -> None:
    for cls in (
        PowensAuthError,
        PowensNotFound,
        PowensBadRequest,
        PowensConflict,
        PowensRateLimited,
        PowensUnavailable,
        PowensTimeout,
        PowensMalformedResponse,
    ):
        assert issubclass(cls, PowensError)
    assert not issubclass(PowensError, requests.RequestException)
