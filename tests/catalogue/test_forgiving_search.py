"""Forgiving search (issue 15): missing spaces and apostrophes, typos under "Did you mean",
and names a connector had before, seen by a refresh."""

import pytest

from connectors_ui.catalogue.fuzzy import edit_distance
from connectors_ui.catalogue.selectors import (
    CatalogueQuery,
    connector_search,
    connector_search_uuids,
)
from connectors_ui.models import ConnectorPreviousName
from tests.catalogue.test_list_view import HTMX, body, result_names

NAMES = (
    "BNP Paribas",
    "Crédit Agricole",
    "Caisse d'Epargne Ile-de-France",
    "Société Générale",
    "Banque Populaire",
    "Boursorama Vie",
)


@pytest.fixture
def copy(load_connectors, make_connector):
    connectors = [make_connector(name) for name in NAMES]
    load_connectors(connectors)
    return connectors


def _names(q: str) -> list[str]:
    return [row.name for row in connector_search(CatalogueQuery(q=q)).rows]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("bnpparibas", ["BNP Paribas"]),
        ("creditagricole", ["Crédit Agricole"]),
        ("caisse depargne", ["Caisse d'Epargne Ile-de-France"]),
        ("caissedepargne", ["Caisse d'Epargne Ile-de-France"]),
        ("SOCIETEGENERALE", ["Société Générale"]),
    ],
)
def test_missing_spaces_and_apostrophes_still_match(copy, q, expected):
    assert _names(q) == expected


@pytest.mark.parametrize(
    ("q", "corrected", "found"),
    [
        ("crdit agricole", "credit agricole", "Crédit Agricole"),  # a letter missing
        ("cerdit agricole", "credit agricole", "Crédit Agricole"),  # two swapped
        ("societe generalle", "societe generale", "Société Générale"),  # one extra
        ("banque poplaire", "banque populaire", "Banque Populaire"),
        ("bnp parbas", "bnp paribas", "BNP Paribas"),
    ],
)
def test_typos_find_nothing_exactly_then_offer_the_close_names(copy, q, corrected, found):
    result = connector_search(CatalogueQuery(q=q))
    assert result.total == 0 and result.suggestion is not None
    assert result.suggestion.q == corrected
    assert found in [row.name for row in result.suggestion.rows]


def test_no_suggestion_when_the_words_exist_or_nothing_is_close(copy):
    assert connector_search(CatalogueQuery(q="paribas")).suggestion is None  # found exactly
    assert connector_search(CatalogueQuery(q="zzzzqqqq")).suggestion is None  # nothing close
    assert connector_search(CatalogueQuery(q="bnq")).suggestion is None  # too short to guess


def test_the_suggestion_keeps_the_filters(copy):
    query = CatalogueQuery(q="crdit agricole", filters={"country": "de"})
    assert connector_search(query).suggestion is None  # Crédit Agricole is French


def test_the_page_shows_did_you_mean_under_the_exact_results(viewer_client, copy):
    html = body(viewer_client.get("/connectors/?q=crdit+agricole", **HTMX))
    assert "<tbody>" not in html and "No connector matches “crdit agricole”" in html
    assert "Did you mean" in html and "“credit agricole”" in html
    assert 'href="?q=credit+agricole"' in html and ">Crédit Agricole</a>" in html


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("cerdit", "credit", 2) == 1
    assert edit_distance("generalle", "generale", 2) == 1
    assert edit_distance("abcdef", "zyxwvu", 2) == 3  # stops past the limit


def _rename(load_connectors, make_connector, old: str, new: str) -> dict:
    before = make_connector(old)
    load_connectors([before, make_connector("Banque Populaire")])
    after = {**before, "name": new}
    load_connectors([after, make_connector("Banque Populaire")])
    return after


def test_a_refresh_keeps_the_name_a_connector_had_before(load_connectors, make_connector):
    bank = _rename(load_connectors, make_connector, "Boursorama Banque", "BoursoBank")
    previous = ConnectorPreviousName.objects.get()
    assert (previous.connector.uuid, previous.name) == (bank["uuid"], "Boursorama Banque")
    result = connector_search(CatalogueQuery(q="boursorama"))
    assert [row.name for row in result.rows] == ["BoursoBank"]
    assert result.rows[0].formerly == "Boursorama Banque"
    # Exports and batches select with the same search as the page.
    assert connector_search_uuids(CatalogueQuery(q="boursorama banque")) == [bank["uuid"]]


def test_the_row_says_which_former_name_matched(viewer_client, load_connectors, make_connector):
    _rename(load_connectors, make_connector, "Boursorama Banque", "BoursoBank")
    html = body(viewer_client.get("/connectors/?q=boursorama"))
    assert result_names(html) == ["BoursoBank"]
    assert "<small>formerly Boursorama Banque</small>" in html
    # Its current name matching, no note is needed.
    assert "formerly" not in body(viewer_client.get("/connectors/?q=bourso", **HTMX))


def test_a_name_given_back_is_no_longer_a_previous_one(load_connectors, make_connector):
    bank = _rename(load_connectors, make_connector, "Alpha", "Beta")
    load_connectors([{**bank, "name": "Alpha"}, make_connector("Banque Populaire")])
    assert list(ConnectorPreviousName.objects.values_list("name", flat=True)) == ["Beta"]


def test_the_bundled_sandbox_remembers_boursorama(load_connectors):
    from sandbox.catalogue import bundled_catalogue

    before = {c["uuid"]: c["name"] for c in bundled_catalogue(before_renames=True)}
    now = {c["uuid"]: c["name"] for c in bundled_catalogue()}
    renamed = {uuid: (before[uuid], now[uuid]) for uuid in now if before[uuid] != now[uuid]}
    assert ("Boursorama Banque", "BoursoBank") in renamed.values()
    load_connectors(bundled_catalogue(before_renames=True))
    load_connectors(bundled_catalogue())
    assert "BoursoBank" in _names("boursorama")
