"""The standalone server on a real loopback socket: API, fault control, real network faults."""

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
