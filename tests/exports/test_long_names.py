"""A name cut to its column (shown with "…") is written whole in the CSV reports, read from
the raw JSON Powens sent (issue 10, item 6)."""

from tests.exports.conftest import body_of, parse
from tests.fixtures.catalogue import connector_dict

LONG = "=Crédit" + "A" * 4993  # 5,000 characters; "=" checks the formula guard still applies
SOURCE = "S" * 300


def test_reports_write_the_full_names(load_connectors, viewer_client):
    sources = [{"id": 7, "name": SOURCE, "priority": 1, "disabled": None}]
    fields = [{"name": "login", "label": "Login", "type": "text"}]
    load_connectors(
        [connector_dict(LONG, sources=sources, fields=fields), connector_dict("Short bank")]
    )
    connectors = parse(body_of(viewer_client.get("/connectors/export.csv")))
    assert sorted(row["name"] for row in connectors) == ["'" + LONG, "Short bank"]
    assert [row["sources"] for row in connectors if row["name"] != "Short bank"] == [SOURCE]
    fields_rows = parse(body_of(viewer_client.get("/connectors/fields.csv")))
    assert [row["connector_name"] for row in fields_rows] == ["'" + LONG]
    source_rows = parse(body_of(viewer_client.get("/connectors/sources.csv")))
    assert [(row["connector_name"], row["name"]) for row in source_rows] == [("'" + LONG, SOURCE)]
    excel = parse(body_of(viewer_client.get("/connectors/export.csv?excel=1")), excel=True)
    assert "'" + LONG in [row["name"] for row in excel]
