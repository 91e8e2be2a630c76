"""E3, E4, E5, E8 through the HTTP views: auth, validation, all-or-nothing, effects."""

from datetime import UTC, datetime, timedelta

from sandbox.models import SandboxConnector, SandboxSource

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
N26 = "1f6220d2-cc45-541e-b4ef-6a3c3dd92421"
UNKNOWN = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def hidden(uuid):
    return SandboxConnector.objects.get(uuid=uuid).hidden


def disabled(source_id):
    return SandboxSource.objects.get(id=source_id).disabled


def test_update_connector_hides_it_from_the_default_list(api, small_sandbox):
    response = api.put(f"connectors/{BNP}", {"hidden": True})
    assert response.status_code == 200
    assert response.json()["hidden"] is True and "sources" not in response.json()
    assert hidden(BNP) is True
    assert BNP not in {c["uuid"] for c in api.get("connectors").json()["connectors"]}


def test_write_without_token_is_401_and_changes_nothing(api, small_sandbox):
    response = api.put(f"connectors/{BNP}", {"hidden": True}, token=None)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert hidden(BNP) is False


def test_write_with_wrong_token_is_401_and_changes_nothing(api, small_sandbox):
    """POWENS_API.md §1: 401 for auth missing *or wrong*."""
    for method, path, body in (
        ("PUT", f"connectors/{BNP}", {"hidden": True}),
        ("PATCH", "connectors", {BNP: {"hidden": True}}),
        ("PUT", f"connectors/{BNP}/sources/101", {"disabled": True}),
    ):
        response = api.call(method, path, body, token="not-the-token")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    assert hidden(BNP) is False and disabled(101) is None


def test_update_connector_validation(api, small_sandbox):
    cases = [
        (b"{not json", 400, "invalidValue"),
        (b'{"hidden": "yes"}', 400, "invalidValue"),
        (b'{"hidden": null}', 400, "invalidValue"),
        (b"[true]", 400, "invalidValue"),
        (b"{}", 400, "missingParameter"),
        (b'{"other": 1}', 400, "missingParameter"),
    ]
    for raw, status, code in cases:
        response = api.put(f"connectors/{BNP}", raw=raw)
        assert (response.status_code, response.json()["code"]) == (status, code), raw
    assert hidden(BNP) is False


def test_update_unknown_connector_is_404(api, small_sandbox):
    response = api.put(f"connectors/{UNKNOWN}", {"hidden": True})
    assert response.status_code == 404 and response.json()["code"] == "notFound"


def test_batch_update_returns_connectors_list(api, small_sandbox):
    response = api.patch("connectors", {BNP: {"hidden": True}, N26: {"hidden": True}})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and {c["uuid"] for c in body["connectors"]} == {BNP, N26}
    assert hidden(BNP) is True and hidden(N26) is True


def test_batch_with_unknown_uuid_changes_nothing(api, small_sandbox):
    response = api.patch("connectors", {BNP: {"hidden": True}, UNKNOWN: {"hidden": True}})
    assert response.status_code == 404 and response.json()["code"] == "notFound"
    assert UNKNOWN in response.json()["description"]
    assert hidden(BNP) is False


def test_batch_with_one_bad_entry_changes_nothing(api, small_sandbox):
    for body in (
        {BNP: {"hidden": True}, N26: {"hidden": 1}},
        {BNP: {"hidden": True}, "x": {}},
        [BNP],
        {BNP: True},
    ):
        response = api.patch("connectors", body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalidValue"
    assert response.json()["request_id"] > 0
    assert hidden(BNP) is False and hidden(N26) is False


def test_batch_entry_without_fields_is_missing_parameter(api, small_sandbox):
    response = api.patch("connectors", {BNP: {"hidden": True}, N26: {}})
    assert response.status_code == 400 and response.json()["code"] == "missingParameter"
    assert hidden(BNP) is False


def test_batch_requires_token(api, small_sandbox):
    assert api.patch("connectors", {BNP: {"hidden": True}}, token=None).status_code == 401
    assert hidden(BNP) is False


def test_deprecated_update_by_ids(api, small_sandbox):
    response = api.put("connectors/1,7", {"hidden": True})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["connectors"]] == [1, 7]
    assert hidden(BNP) is True and hidden(N26) is True


def test_deprecated_update_with_unknown_id_changes_nothing(api, small_sandbox):
    response = api.put("connectors/1,9999", {"hidden": True})
    assert response.status_code == 404 and response.json()["code"] == "notFound"
    assert hidden(BNP) is False


def test_source_disabled_accepts_true_false_datetime_and_null(api, small_sandbox):
    path = f"connectors/{BNP}/sources/103"
    before = datetime.now(UTC).replace(microsecond=0)
    when = api.put(path, {"disabled": True}).json()["disabled"]
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(when).replace(tzinfo=UTC)
    assert disabled(103) == when
    assert api.put(path, {"disabled": False}).json()["disabled"] is None
    assert disabled(103) is None
    assert api.put(path, {"disabled": "2025-01-02 03:04:05"}).json()["disabled"] == (
        "2025-01-02 03:04:05"
    )
    assert api.put(path, {"disabled": None}).json()["disabled"] is None
    assert disabled(103) is None


def test_source_update_validation(api, small_sandbox):
    path = f"connectors/{BNP}/sources/101"
    cases = [
        ({"disabled": "yesterday"}, "invalidValue"),
        ({"disabled": 5}, "invalidValue"),
        ({"auth_mechanism": "credentials"}, "invalidValue"),
        ({}, "missingParameter"),
    ]
    for body, code in cases:
        response = api.put(path, body)
        assert (response.status_code, response.json()["code"]) == (400, code), body
    assert disabled(101) is None
    assert api.put(path, {"auth_mechanism": "webauth"}).json()["auth_mechanism"] == "webauth"


def test_source_update_not_found_and_unauthorised(api, small_sandbox):
    assert api.put(f"connectors/{BNP}/sources/999", {"disabled": True}).status_code == 404
    assert api.put(f"connectors/{N26}/sources/101", {"disabled": True}).status_code == 404
    assert (
        api.put(f"connectors/{BNP}/sources/101", {"disabled": True}, token=None).status_code == 401
    )
    assert disabled(101) is None


def test_connector_stability_is_worst_of_enabled_sources(api, small_sandbox):
    source = SandboxSource.objects.get(id=103)
    source.document["stability"] = {"status": "down", "last_update": "2026-07-30 08:00:00"}
    source.save()
    assert api.get(f"connectors/{BNP}").json()["stability"] == {
        "status": "down",
        "last_update": "2026-07-30 08:00:00",
    }
    api.put(f"connectors/{BNP}/sources/103", {"disabled": True})
    assert api.get(f"connectors/{BNP}").json()["stability"]["status"] == "stable"
    api.put(f"connectors/{BNP}/sources/103", {"disabled": None})
    listed = {c["uuid"]: c for c in api.get("connectors").json()["connectors"]}
    assert listed[BNP]["stability"]["status"] == "down"


def test_put_with_one_integer_id_answers_the_connector_like_e3(api, small_sandbox):
    """POWENS_API.md §2: the vendor's older spec answers ``PUT /connectors/{id}`` with one
    Connector, not a ConnectorsList."""
    by_id = api.put("connectors/1", {"hidden": True})
    assert by_id.status_code == 200
    assert hidden(BNP) is True
    by_uuid = api.put(f"connectors/{BNP}", {"hidden": True})
    assert by_id.json() == by_uuid.json()
    assert by_id.json()["uuid"] == BNP and "connectors" not in by_id.json()


def test_put_with_an_id_that_cannot_exist_is_404_and_changes_nothing(api, small_sandbox):
    """Ids past a 64-bit integer (POWENS_API.md §2: "≥ 2^63 are 404"), alone or in a batch;
    digits other than 0-9 are no id either (a GET with them is 404 too)."""
    too_big = str(2**63)
    for ref in (too_big, f"1,{too_big}", f"{too_big},1", "9" * 30, "٣", "1,٣"):
        response = api.put(f"connectors/{ref}", {"hidden": True})
        assert (response.status_code, response.json()["code"]) == (404, "notFound"), ref
        assert api.get(f"connectors/{ref}").status_code == 404, ref
    assert not SandboxConnector.objects.filter(hidden=True).exclude(uuid=small_sandbox[2]["uuid"])


def test_source_update_accepts_the_connector_integer_id_like_the_reads(api, small_sandbox):
    """POWENS_API.md §2: wherever a path takes {uuid} (E6, E7, E8 alike) the connector's
    integer id is accepted too."""
    assert api.get("connectors/1/sources/103").status_code == 200
    response = api.put("connectors/1/sources/103", {"disabled": "2025-01-02 03:04:05"})
    assert response.status_code == 200
    assert response.json()["disabled"] == "2025-01-02 03:04:05"
    assert disabled(103) == "2025-01-02 03:04:05"
    assert api.put("connectors/2/sources/101", {"disabled": True}).status_code == 404
    assert disabled(101) is None
