"""The standalone server on a real loopback socket: API, fault control, real network faults."""

import re
import socket
import threading

import pytest
import requests

from sandbox.models import SandboxConnector
from sandbox.server import make_server

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
AUTH = {"Authorization": "Bearer sandbox-config-token"}


@pytest.fixture
def live(transactional_db, small_sandbox):
    server = make_server(0)
    server.daemon_threads = False  # server_close() then waits for in-flight requests
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    http = requests.Session()
    http.trust_env = False
    yield http, f"http://127.0.0.1:{server.server_address[1]}"
    http.close()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_serves_the_api_on_loopback(live):
    http, root = live
    response = http.get(f"{root}/2.0/connectors", params={"expand": "sources"}, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["total"] == 6
    assert http.get(f"{root}/2.0/connectors/1", timeout=5).json()["uuid"] == BNP
    missing = http.get(f"{root}/admin/", timeout=5)
    assert missing.status_code == 404 and missing.json()["code"] == "notFound"


def test_writes_need_the_token_and_persist(live):
    http, root = live
    assert (
        http.put(f"{root}/2.0/connectors/{BNP}", json={"hidden": True}, timeout=5).status_code
        == 401
    )
    response = http.put(
        f"{root}/2.0/connectors/{BNP}", json={"hidden": True}, headers=AUTH, timeout=5
    )
    assert response.status_code == 200
    assert SandboxConnector.objects.get(uuid=BNP).hidden is True


def test_fault_control_over_http(live):
    http, root = live
    faults_url = f"{root}/_sandbox/faults"
    assert (
        http.post(faults_url, json={"kind": "status", "status": 503}, timeout=5).status_code == 401
    )
    bad = http.post(faults_url, json={"kind": "status", "colour": 1}, headers=AUTH, timeout=5)
    assert bad.status_code == 400 and bad.json()["code"] == "invalidValue"
    created = http.post(faults_url, json={"kind": "status", "status": 503, "count": 2},
                        headers=AUTH, timeout=5)  # fmt: skip
    assert created.status_code == 200 and created.json()["remaining"] == 2
    assert http.get(faults_url, timeout=5).json()["total"] == 1
    answer = http.get(f"{root}/2.0/connectors", timeout=5)
    assert answer.status_code == 503 and answer.json()["code"] == "maintenance"
    assert http.delete(faults_url, headers=AUTH, timeout=5).json() == {"cleared": 1}
    assert http.get(f"{root}/2.0/connectors", timeout=5).status_code == 200


def test_reset_and_timeout_faults_are_real_network_failures(live):
    http, root = live
    http.post(f"{root}/_sandbox/faults", json={"kind": "reset", "endpoint": "E1"}, headers=AUTH,
              timeout=5)  # fmt: skip
    with pytest.raises(requests.exceptions.ConnectionError):
        http.get(f"{root}/2.0/connectors", timeout=5)
    timeout = {"kind": "timeout", "method": "PUT", "delay_ms": 400, "apply_write": True}
    http.post(f"{root}/_sandbox/faults", headers=AUTH, timeout=5, json=timeout)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.put(
            f"{root}/2.0/connectors/{BNP}", json={"hidden": True}, headers=AUTH, timeout=(2, 0.1)
        )
    assert SandboxConnector.objects.get(uuid=BNP).hidden is True


def _raw_exchange(root: str, request: bytes, answers: int = 1) -> list[bytes]:
    """Send raw bytes on one connection and read ``answers`` responses (Content-Length)."""
    host, port = root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        stream = sock.makefile("rb")
        responses = []
        for _ in range(answers):
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = stream.readline()
                assert line, f"the server closed the connection after {len(responses)} answers"
                head += line
            length = int(re.search(rb"Content-Length: (\d+)", head)[1])
            responses.append(head + stream.read(length))
        return responses


def test_a_chunked_json_body_is_read_and_the_connection_stays_usable(live):
    """Clients that stream their body send it chunked; the next request on the same
    kept-alive connection must still be parsed from its first byte."""
    _, root = live
    body = b'{"hidden": true}'
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (5, body[:5], len(body) - 5, body[5:])
    put = (
        f"PUT /2.0/connectors/{BNP} HTTP/1.1\r\nHost: sandbox\r\n"
        "Authorization: Bearer sandbox-config-token\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode() + chunked
    get = f"GET /2.0/connectors/{BNP} HTTP/1.1\r\nHost: sandbox\r\n\r\n".encode()
    written, read = _raw_exchange(root, put + get, answers=2)
    assert written.startswith(b"HTTP/1.1 200") and b'"hidden": true' in written
    assert read.startswith(b"HTTP/1.1 200") and b'"hidden": true' in read
    assert SandboxConnector.objects.get(uuid=BNP).hidden is True


def test_a_malformed_chunked_body_is_a_400(live):
    _, root = live
    put = (
        f"PUT /2.0/connectors/{BNP} HTTP/1.1\r\nHost: sandbox\r\n"
        "Authorization: Bearer sandbox-config-token\r\nTransfer-Encoding: chunked\r\n\r\n"
        "zz\r\n{}\r\n0\r\n\r\n"
    ).encode()
    [answer] = _raw_exchange(root, put)
    assert answer.startswith(b"HTTP/1.1 400") and b'"invalidValue"' in answer
    assert SandboxConnector.objects.get(uuid=BNP).hidden is False


def test_rate_limit_per_client_with_retry_after_and_fault_control_exempt(live, fresh_limiter):
    http, root = live
    fresh_limiter.per_minute = 2
    statuses = [http.get(f"{root}/2.0/connectors", timeout=5).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = http.get(f"{root}/2.0/connectors/{BNP}", timeout=5)
    assert refused.json()["code"] == "tooManyRequests" and int(refused.headers["Retry-After"]) > 0
    assert http.get(f"{root}/_sandbox/faults", timeout=5).status_code == 200
