"""Stability in the CSVs, appended at the end of the published columns: the connectors'
``stability, stability_since`` as the list has them, the sources' ``stability_since``."""

from datetime import UTC, datetime, timedelta

from connectors_ui.exports.catalogue_rows import CONNECTOR_HEADER, SOURCE_HEADER
from tests.catalogue.test_stability import ALL, BRAVO, CHARLIE, DELTA, ECHO, FOXTROT


def _iso(powens: str) -> str:
    return powens.replace(" ", "T") + "Z"


def test_new_columns_come_last():
    assert CONNECTOR_HEADER[-3:] == ("removed_at", "stability", "stability_since")
    assert CONNECTOR_HEADER[5] == "state"  # unchanged places
    assert SOURCE_HEADER[-3:] == ("stability", "backs_up", "stability_since")


def test_connectors_csv_has_the_list_stability(download, load_connectors):
    load_connectors(ALL)
    rows = {row["name"]: row for row in download("/connectors/export.csv", {"state": ""})}
    bravo = rows["Bravo Down"]
    assert (bravo["stability"], bravo["stability_since"]) == (
        "down",
        _iso(BRAVO["stability"]["last_update"]),
    )
    # Derived from the enabled sources: the unstable one, with its date.
    charlie = rows["Charlie Derived"]
    assert charlie["stability"] == "unstable"
    assert charlie["stability_since"] == _iso(CHARLIE["sources"][0]["stability"]["last_update"])
    # As Powens sent it (like the sources' column); a date that is not one is left empty.
    assert (rows["Delta Odd"]["stability"], rows["Delta Odd"]["stability_since"]) == (
        DELTA["stability"]["status"],
        "",
    )
    assert (rows["Echo Nothing"]["stability"], rows["Echo Nothing"]["stability_since"]) == ("", "")
    # The published state values do not change with the screen's words.
    assert rows[FOXTROT["name"]]["state"] == "hidden" and rows[ECHO["name"]]["state"] == "enabled"


def test_the_filter_applies_to_the_export(download, load_connectors):
    load_connectors(ALL)
    rows = download("/connectors/export.csv", {"stability": "unknown", "sort": "stability"})
    assert [row["name"] for row in rows] == ["Delta Odd", "Echo Nothing"]


def test_sources_csv_has_stability_since(download, load_connectors):
    load_connectors(ALL)
    rows = download("/connectors/sources.csv", {"q": "Charlie"})
    by_name = {row["name"]: row for row in rows}
    openapi = CHARLIE["sources"][0]["stability"]["last_update"]
    assert (by_name["openapi"]["stability"], by_name["openapi"]["stability_since"]) == (
        "unstable",
        _iso(openapi),
    )
    assert by_name["fallback"]["state"] == "disabled"
    since = datetime.fromisoformat(by_name["openapi"]["stability_since"])
    assert timedelta(0) < datetime.now(UTC) - since < timedelta(hours=1)
