"""The connectors, fields and sources reports hold exactly the list page's rows, all pages."""

import pytest

from connectors_ui.exports.catalogue_rows import CONNECTOR_HEADER, FIELD_HEADER, SOURCE_HEADER
from connectors_ui.models import CatalogueConnector, CatalogueSource
from tests.fixtures.catalogue import connector_dict

VIEWS = [
    {},
    {"country": "fr"},
    {"country": "fr", "sort": "-name"},
    {"q": "banque", "sort": "id"},
    {"source": "openapi", "source_disabled": "no", "sort": "-sources"},
    {"product": "pay", "state": "enabled", "sort": "country"},
    {"state": "hidden"},
    {"country": "not-a-country", "sort": "nonsense"},  # invalid parts ignored, as on the page
]


@pytest.mark.parametrize("params", VIEWS)
def test_connectors_report_equals_the_view_across_pages(catalogue, download, view_uuids, params):
    expected = view_uuids(params)
    rows = download("/connectors/export.csv", params)
    assert [row["uuid"] for row in rows] == expected
    if params == {}:
        assert len(expected) > 50  # pagination matters


def test_connectors_report_columns(catalogue, download):
    rows = download("/connectors/export.csv", {"q": "BNP Paribas"})
    assert list(rows[0]) == [*CONNECTOR_HEADER, "domain"]
    bnp = next(r for r in rows if r["uuid"] == "f711dd7a-6289-5bda-b3a4-f2febda8c046")
    stored = CatalogueConnector.objects.get(uuid=bnp["uuid"])
    sources = list(stored.sources.all())
    assert bnp["name"] == stored.name and bnp["id"] == str(stored.powens_id)
    assert bnp["countries"] == "|".join(code for code, _ in stored.countries)
    assert bnp["products"] == "|".join(stored.products)
    assert bnp["pay_capable"] == ("true" if stored.pay_capable else "false")
    assert bnp["source_count"] == str(len(sources))
    assert bnp["sources"] == "|".join(s.name for s in sources)
    assert bnp["disabled_sources"] == "|".join(s.name for s in sources if s.disabled)
    assert bnp["state"] == "enabled" and bnp["removed_at"] == ""


@pytest.mark.parametrize("params", [{"country": "fr", "sort": "-name"}, {"q": "credit"}])
def test_fields_report_follows_the_view(catalogue, download, view_uuids, params):
    by_uuid = {c["uuid"]: c for c in catalogue}
    expected = [
        (uuid, kind, field["name"])
        for uuid in view_uuids(params)
        for kind, key in (("field", "fields"), ("payment_field", "payment_fields"))
        for field in by_uuid[uuid].get(key) or []
    ]
    rows = download("/connectors/fields.csv", params)
    assert list(rows[0]) == [*FIELD_HEADER, "domain"]
    assert [(r["connector_uuid"], r["kind"], r["name"]) for r in rows] == expected


def test_sources_report_follows_the_view(catalogue, download, view_uuids):
    params = {"source_disabled": "yes", "sort": "-id"}
    uuids = view_uuids(params)
    expected = [
        (uuid, str(s.source_id), "disabled" if s.disabled else "enabled")
        for uuid in uuids
        for s in CatalogueSource.objects.filter(connector__uuid=uuid)
    ]
    rows = download("/connectors/sources.csv", params)
    assert list(rows[0]) == [*SOURCE_HEADER, "domain"]
    assert [(r["connector_uuid"], r["source_id"], r["state"]) for r in rows] == expected
    assert {r["state"] for r in rows} == {"enabled", "disabled"}
    disabled = next(r for r in rows if r["state"] == "disabled")
    assert disabled["disabled_at"].endswith("Z") and "T" in disabled["disabled_at"]


def test_one_connector_exports_for_the_detail_page(load_connectors, download):
    kept, gone = connector_dict("Kept Bank"), connector_dict("Gone Bank", hidden=True)
    gone["sources"] = [{"id": 7, "name": "openapi", "priority": 0, "disabled": None}]
    gone["fields"] = [{"name": "login", "label": "Identifiant", "type": "text"}]
    # Another hidden one stays listed, so the response honoured `all` and Gone Bank's
    # absence means it was removed (not a domain ignoring `all`, see catalogue_refresh).
    still_hidden = connector_dict("Still Hidden", hidden=True)
    load_connectors([kept, gone, still_hidden])
    load_connectors([kept, still_hidden])  # no longer listed by Powens: kept as removed
    listed = [r["uuid"] for r in download("/connectors/export.csv")]
    assert listed == [kept["uuid"], still_hidden["uuid"]]
    params = {"connector": gone["uuid"], "country": "de"}  # list filters do not apply
    (row,) = download("/connectors/export.csv", params)
    assert row["uuid"] == gone["uuid"] and row["state"] == "removed" and row["hidden"] == "true"
    assert row["removed_at"].endswith("Z")
    assert [r["source_id"] for r in download("/connectors/sources.csv", params)] == ["7"]
    assert [r["name"] for r in download("/connectors/fields.csv", params)] == ["login"]
    by_id = download("/connectors/export.csv", {"connector": str(kept["id"])})
    assert [r["uuid"] for r in by_id] == [kept["uuid"]]


def test_unknown_connector_is_404(catalogue, viewer_client):
    response = viewer_client.get("/connectors/export.csv", {"connector": "no-such-connector"})
    assert response.status_code == 404


FORMULA_NAMES = ["=1+2", "+33 1 23", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturned"]


def test_formula_injection_neutralised_numbers_kept(load_connectors, download):
    connectors = [connector_dict(name) for name in FORMULA_NAMES]
    connectors.append(connector_dict("-12.5"))
    connectors.append(connector_dict("Negative id", id=-12, slug="=cmd|' /C calc'!A0"))
    connectors[0]["fields"] = [{"name": "login", "label": '=HYPERLINK("x")', "type": "text"}]
    load_connectors(connectors)
    rows = {r["uuid"]: r for r in download("/connectors/export.csv")}
    for connector in connectors[: len(FORMULA_NAMES)]:
        assert rows[connector["uuid"]]["name"] == "'" + connector["name"]
    assert rows[connectors[-2]["uuid"]]["name"] == "-12.5"
    negative = rows[connectors[-1]["uuid"]]
    assert negative["id"] == "-12"
    assert negative["slug"] == "'=cmd|' /C calc'!A0"
    (field,) = download("/connectors/fields.csv", {"connector": connectors[0]["uuid"]})
    assert field["label"] == '\'=HYPERLINK("x")' and field["connector_name"] == "'=1+2"
    assert field["position"] == "1"


def test_non_latin_names_round_trip(load_connectors, download):
    names = [
        "Εθνική Τράπεζα της Ελλάδος",
        "Сбербанк",
        "三菱UFJ銀行",
        "Crédit Agricole — Île",
        "بنك",
    ]
    load_connectors([connector_dict(name) for name in names])
    assert sorted(r["name"] for r in download("/connectors/export.csv")) == sorted(names)
