"""E1, E2, E6, E7 through the HTTP views: shapes, query parameters, 404s."""

import re

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
BOURSO = "07d76adf-ae35-5b38-aca8-67aafba13169"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
EXPANDS = ("sources", "fields", "payment_fields", "countries", "urls")


def test_list_hides_hidden_connectors_and_omits_non_expanded_keys(api, small_sandbox):
    response = api.get("connectors")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    names = [c["name"] for c in body["connectors"]]
    assert body["total"] == 6 == len(names)
    assert "BoursoBank" not in names
    for connector in body["connectors"]:
        assert not set(EXPANDS) & set(connector)
        assert connector["stability"]["status"] in {"stable", "unstable", "down"}


def test_list_expands_every_sub_resource_as_lists(api, small_sandbox):
    body = api.get("connectors", expand=",".join(EXPANDS)).json()
    by_name = {c["name"]: c for c in body["connectors"]}
    bnp = by_name["BNP Paribas"]
    assert [s["name"] for s in bnp["sources"]] == ["openapi", "directaccess", "fallback"]
    assert bnp["countries"] == [{"id": "fr", "name": "France"}]
    assert bnp["payment_fields"] and bnp["payment_settings"]["beneficiary_types"] == ["iban"]
    greek = by_name["Εθνική Τράπεζα της Ελλάδος"]
    assert greek["payment_fields"] == [] and "payment_settings" not in greek
    assert all(isinstance(c[key], list) for c in body["connectors"] for key in EXPANDS)


def test_expand_only_adds_what_is_asked(api, small_sandbox):
    connector = api.get(f"connectors/{BNP}", expand="fields").json()
    assert "fields" in connector
    assert not {"sources", "countries", "urls", "payment_fields"} & set(connector)


def test_a_repeated_expand_parameter_expands_each(api, small_sandbox):
    connector = api.get(f"connectors/{BNP}", expand=["fields", "sources,urls"]).json()
    assert {"fields", "sources", "urls"} <= set(connector)
    assert not {"countries", "payment_fields"} & set(connector)


def test_all_flag_includes_hidden_connectors(api, small_sandbox):
    for value in ("", "1", "false"):
        body = api.get("connectors", all=value).json()
        assert body["total"] == 7
        assert {c["uuid"]: c["hidden"] for c in body["connectors"]}[BOURSO] is True


def test_country_codes_filter(api, small_sandbox):
    assert [c["name"] for c in api.get("connectors", country_codes="gr").json()["connectors"]] == [
        "Εθνική Τράπεζα της Ελλάδος"
    ]
    names = {c["name"] for c in api.get("connectors", country_codes="DE,gr").json()["connectors"]}
    assert names == {"N26", "Εθνική Τράπεζα της Ελλάδος"}
    assert api.get("connectors", country_codes="jp").json() == {"connectors": [], "total": 0}


def test_id_payment_lists_pay_capable_connectors_only(api, small_sandbox):
    body = api.get("connectors", id_payment="42").json()
    assert {c["name"] for c in body["connectors"]} == {"BNP Paribas", "N26"}
    assert all("pay" in c["products"] for c in body["connectors"])


def test_bad_integer_parameter_is_invalid_value(api, small_sandbox):
    response = api.get("connectors", id_payment="abc")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalidValue"
    assert isinstance(error["request_id"], int) and set(error) == {
        "code",
        "description",
        "message",
        "request_id",
    }


def test_limit_and_offset_page_but_total_counts_all(api, small_sandbox):
    body = api.get("connectors", limit="2", offset="1", all="").json()
    assert body["total"] == 7
    assert [c["id"] for c in body["connectors"]] == [2, 3]


def test_get_connector_by_uuid_and_by_integer_id(api, small_sandbox):
    by_uuid = api.get(f"connectors/{BNP}").json()
    by_id = api.get("connectors/1").json()
    assert by_uuid == by_id
    assert by_uuid["uuid"] == BNP and by_uuid["code"] == "30004"
    assert DATETIME.match(by_uuid["stability"]["last_update"])


def test_hidden_connector_is_still_readable(api, small_sandbox):
    assert api.get(f"connectors/{BOURSO}").json()["hidden"] is True


def test_unknown_connector_is_not_found(api, small_sandbox):
    for ref in ("3fa85f64-5717-4562-b3fc-2c963f66afa6", "999999", "not-a-uuid", "¹", "٣"):
        response = api.get(f"connectors/{ref}")
        assert response.status_code == 404
        assert response.json()["code"] == "notFound"


def test_list_sources_in_priority_order(api, small_sandbox):
    body = api.get(f"connectors/{BNP}/sources").json()
    assert body["total"] == 3
    assert [(s["id"], s["priority"]) for s in body["sources"]] == [(101, 0), (102, 1), (103, 2)]
    assert body["sources"][1]["disabled"] == "2024-03-01 09:12:44"
    assert all(s["id_connector"] == 1 for s in body["sources"])
    assert api.get(f"connectors/{BNP}/sources", country_codes="de").json()["total"] == 0


def test_get_source(api, small_sandbox):
    source = api.get(f"connectors/{BNP}/sources/103").json()
    assert source["name"] == "fallback" and source["fallback"] == "openapi"
    assert source["disabled"] is None


def test_unknown_or_foreign_source_is_not_found(api, small_sandbox):
    foreign = small_sandbox[1]["sources"][0]["id"]
    for path in (
        f"connectors/{BNP}/sources/999",
        f"connectors/{BNP}/sources/{foreign}",
        f"connectors/{BNP}/sources/abc",
        f"connectors/{BNP}/sources/¹",
        "connectors/3fa85f64-5717-4562-b3fc-2c963f66afa6/sources",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "notFound"


def test_unknown_route_answers_with_the_envelope(api, small_sandbox):
    response = api.get("banks/everything")
    assert response.status_code == 404
    assert response.json()["code"] == "notFound"


def test_wrong_method_is_405_before_auth(api, small_sandbox):
    response = api.call("POST", "connectors", {}, token=None)
    assert response.status_code == 405
    assert response.json()["code"] == "methodNotAllowed"
    assert response["Allow"] == "GET, PATCH"
    assert api.call("DELETE", f"connectors/{BNP}/sources/101").status_code == 405


def test_request_ids_are_distinct_integers(api, small_sandbox):
    ids = [api.get("connectors/0").json()["request_id"] for _ in range(3)]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3
