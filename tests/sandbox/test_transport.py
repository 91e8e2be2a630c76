"""SandboxAdapter returns real requests.Response objects from the in-process sandbox."""

import json

import requests

from sandbox.models import SandboxConnector

GREEK = "Εθνική Τράπεζα της Ελλάδος"


def test_response_is_a_complete_requests_response(session, base_url, small_sandbox):
    response = session.get(f"{base_url}/connectors", params={"expand": "countries", "all": ""})
    assert isinstance(response, requests.Response)
    assert response.ok and response.status_code == 200 and response.reason == "OK"
    assert response.url == f"{base_url}/connectors?expand=countries&all="
    assert response.request.method == "GET" and response.request.url == response.url
    assert response.headers["content-type"] == "application/json"
    assert response.json()["total"] == 7
    assert GREEK in response.text
    assert json.loads(response.content.decode())["connectors"][0]["countries"]
    assert b"".join(response.iter_content(64)) == response.content


def test_json_bodies_and_headers_reach_the_views(session, base_url, small_sandbox):
    uuid = small_sandbox[3]["uuid"]
    response = session.put(
        f"{base_url}/connectors/{uuid}",
        data=json.dumps({"hidden": True}).encode(),
        headers={"Authorization": "Bearer sandbox-config-token",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["name"] == GREEK
    assert SandboxConnector.objects.get(uuid=uuid).hidden is True


def test_error_statuses_come_back_as_responses(session, base_url, small_sandbox):
    missing = session.put(f"{base_url}/connectors/{small_sandbox[0]['uuid']}", json={"hidden": 1})
    assert missing.status_code == 401 and not missing.ok
    assert session.get(f"{base_url}/connectors/0").json()["code"] == "notFound"
    assert session.get(f"{base_url}/elsewhere").status_code == 404


def test_percent_encoded_paths_and_trailing_slash(session, base_url, small_sandbox):
    uuid = small_sandbox[0]["uuid"]
    assert session.get(f"{base_url}/connectors/{uuid}/").json()["uuid"] == uuid
    assert session.get(f"{base_url}/connectors/{uuid.replace('-', '%2D')}").status_code == 200
