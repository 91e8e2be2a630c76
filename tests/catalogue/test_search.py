"""Search, filters, facet counts and sort of the list selector, over a local copy built from
connector dicts (same ingest code as a refresh)."""

import pytest

from connectors_ui.catalogue.selectors import (
    CatalogueQuery,
    connector_search,
    connector_search_uuids,
)
from tests.fixtures.catalogue import connector_dict


def source(source_id, name, *, disabled=None, priority=0, auth="credentials"):
    return {
        "id": source_id,
        "id_connector": 0,
        "name": name,
        "auth_mechanism": auth,
        "available_auth_mechanisms": [auth],
        "disabled": disabled,
        "priority": priority,
        "account_usages": ["PRIV"],
    }


CONNECTORS = [
    connector_dict(
        "Société Générale",
        id=10,
        slug="SG",
        code="30003",
        products=["bank", "pay"],
        payment_settings={"minimum_amount": {}},
        auth_mechanism="webauth",
        available_auth_mechanisms=["webauth", "credentials"],
        sources=[
            source(1, "openapi", auth="webauth"),
            source(2, "directaccess", disabled="2024-01-01 10:00:00", priority=1),
        ],
    ),
    connector_dict(
        "Crédit Agricole Alpes Provence",
        id=11,
        slug="CAAP",
        code="11306",
        charged=True,
        sources=[source(3, "directaccess")],
    ),
    connector_dict(
        "Crédit Agricole Centre-Est",
        id=12,
        code="17806",
        beta=True,
        sources=[source(4, "openapi", disabled="2025-05-05 05:05:05", auth="webauth")],
    ),
    connector_dict(
        "CREDIT MUTUEL",
        id=13,
        hidden=True,
        restricted=True,
        countries=[{"id": "fr", "name": "France"}, {"id": "de", "name": "Germany"}],
        capabilities=["bank", "transfer"],
    ),
    connector_dict(
        "Deutsche Bank",
        id=14,
        countries=[{"id": "de", "name": "Germany"}],
        products=["bank", "wealth"],
        sources=[source(5, "fallback")],
    ),
    connector_dict(
        "Banque Populaire", id=40, code="40", products=["bill"], capabilities=["document"]
    ),
]


@pytest.fixture
def copy(load_connectors):
    load_connectors(CONNECTORS)


def names(query, **kwargs):
    return [row.name for row in connector_search(query, **kwargs).rows]


def search(q="", **filters):
    return CatalogueQuery(q=q, filters=filters)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("societe generale", ["Société Générale"]),
        ("SOCIÉTÉ", ["Société Générale"]),
        ("credit agricole", ["Crédit Agricole Alpes Provence", "Crédit Agricole Centre-Est"]),
        ("agricole credit", ["Crédit Agricole Alpes Provence", "Crédit Agricole Centre-Est"]),
        (
            "crédit",
            ["Crédit Agricole Alpes Provence", "Crédit Agricole Centre-Est", "CREDIT MUTUEL"],
        ),
        ("centre-est", ["Crédit Agricole Centre-Est"]),
        ("caap", ["Crédit Agricole Alpes Provence"]),
        ("30003", ["Société Générale"]),
        ("credit nowhere", []),
        (
            "   ",
            [
                "Banque Populaire",
                "Crédit Agricole Alpes Provence",
                "Crédit Agricole Centre-Est",
                "CREDIT MUTUEL",
                "Deutsche Bank",
                "Société Générale",
            ],
        ),
    ],
)
def test_search_is_case_and_accent_insensitive_and_all_words_must_match(copy, q, expected):
    assert names(search(q)) == expected


def test_search_finds_hidden_connectors_and_uuid_and_integer_id(copy):
    assert names(search("mutuel")) == ["CREDIT MUTUEL"]
    uuid = CONNECTORS[4]["uuid"]
    assert names(search(uuid)) == ["Deutsche Bank"]
    assert names(search(uuid.upper())) == ["Deutsche Bank"]
    assert names(search(uuid[:8])) == ["Deutsche Bank"]
    assert names(search("14")) == ["Deutsche Bank"]


@pytest.mark.parametrize("q", ["%", "_", "'", "% _ '"])
def test_punctuation_only_search_says_it_shows_everything(copy, q):
    result = connector_search(search(q))
    assert result.total == len(CONNECTORS)
    assert result.notices == [f"Nothing to search for in “{q}”: showing all connectors."]


def test_search_with_words_has_no_notice(copy):
    assert connector_search(search("credit %")).notices == []


def test_uuid_without_hyphens_finds_its_connector_in_any_case(copy):
    bare = CONNECTORS[4]["uuid"].replace("-", "")
    assert names(search(bare)) == ["Deutsche Bank"]
    assert names(search(bare.upper())) == ["Deutsche Bank"]
    assert connector_search(search(bare.upper())).exact.name == "Deutsche Bank"


def test_exact_uuid_or_id_is_reported_as_exact_match(copy):
    assert connector_search(search(CONNECTORS[0]["uuid"])).exact.name == "Société Générale"
    assert connector_search(search("11")).exact.name == "Crédit Agricole Alpes Provence"
    # "40" is both Banque Populaire's id and its bank code: one exact match, one result.
    result = connector_search(search("40"))
    assert result.exact.name == "Banque Populaire" and result.total == 1
    assert connector_search(search("credit")).exact is None
    assert connector_search(search("999999")).exact is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "de"}, ["CREDIT MUTUEL", "Deutsche Bank"]),
        ({"product": "pay"}, ["Société Générale"]),
        ({"capability": "document"}, ["Banque Populaire"]),
        ({"auth": "webauth"}, ["Société Générale"]),
        (
            {"auth": "credentials"},
            [
                "Banque Populaire",
                "Crédit Agricole Alpes Provence",
                "Crédit Agricole Centre-Est",
                "CREDIT MUTUEL",
                "Deutsche Bank",
                "Société Générale",
            ],
        ),
        ({"state": "hidden"}, ["CREDIT MUTUEL"]),
        ({"state": "enabled", "country": "de"}, ["Deutsche Bank"]),
        ({"beta": "yes"}, ["Crédit Agricole Centre-Est"]),
        ({"restricted": "yes", "state": "hidden"}, ["CREDIT MUTUEL"]),
        ({"charged": "yes"}, ["Crédit Agricole Alpes Provence"]),
        ({"charged": "no", "product": "bill"}, ["Banque Populaire"]),
        ({"source": "openapi"}, ["Crédit Agricole Centre-Est", "Société Générale"]),
        ({"source": "fallback"}, ["Deutsche Bank"]),
        ({"source_disabled": "yes"}, ["Crédit Agricole Centre-Est", "Société Générale"]),
        ({"source_disabled": "no", "source": "directaccess"}, ["Crédit Agricole Alpes Provence"]),
        ({"source_disabled": "yes", "source": "openapi"}, ["Crédit Agricole Centre-Est"]),
        ({"pay": "yes"}, ["Société Générale"]),
        ({"pay": "no", "country": "de"}, ["CREDIT MUTUEL", "Deutsche Bank"]),
    ],
)
def test_each_filter(copy, filters, expected):
    assert names(search(**filters)) == expected


def test_source_disabled_no_means_no_disabled_source(copy):
    assert names(search(source_disabled="no")) == [
        "Banque Populaire",
        "Crédit Agricole Alpes Provence",
        "CREDIT MUTUEL",
        "Deutsche Bank",
    ]


def test_facet_counts_apply_every_other_filter(copy):
    result = connector_search(search("credit", country="fr"))
    counts = {f: {o.value: o.count for o in options} for f, options in result.facets.items()}
    assert result.total == 3
    # The country facet ignores the country filter but applies the search.
    assert counts["country"] == {"fr": 3, "de": 1}
    assert counts["state"] == {"enabled": 2, "hidden": 1, "removed": 0}
    assert counts["beta"] == {"yes": 1, "no": 2}
    assert counts["source"] == {"directaccess": 1, "openapi": 1, "fallback": 0}
    assert counts["source_disabled"] == {"yes": 1, "no": 2}
    assert counts["product"] == {"bank": 3, "pay": 0, "bill": 0, "wealth": 0}
    selected = [o.value for o in result.facets["country"] if o.selected]
    assert selected == ["fr"]


def test_source_facet_counts_follow_the_source_disabled_filter(copy):
    result = connector_search(search(source_disabled="yes"))
    counts = {o.value: o.count for o in result.facets["source"]}
    assert counts == {"directaccess": 1, "fallback": 0, "openapi": 1}


def test_removed_connectors_only_with_state_removed(copy, load_connectors):
    load_connectors(CONNECTORS[1:])
    assert "Société Générale" not in names(search())
    assert names(search(state="removed")) == ["Société Générale"]
    assert connector_search(search("societe")).facets["state"][2].count == 1


@pytest.mark.parametrize(
    ("sort", "descending", "expected_first"),
    [
        ("name", False, "Banque Populaire"),
        ("name", True, "Société Générale"),
        ("id", False, "Société Générale"),
        ("id", True, "Banque Populaire"),
        ("country", False, "Banque Populaire"),
        ("auth", False, "Banque Populaire"),
        ("auth", True, "Société Générale"),
        ("state", True, "CREDIT MUTUEL"),
        ("sources", True, "Société Générale"),
    ],
)
def test_sort_orders(copy, sort, descending, expected_first):
    query = CatalogueQuery(sort=sort, descending=descending)
    assert names(query)[0] == expected_first


def test_pagination_and_total(load_connectors):
    load_connectors([connector_dict(f"Bank {i:03d}", id=i) for i in range(1, 121)])
    first = connector_search(CatalogueQuery(), page=1)
    assert (first.total, first.num_pages, len(first.rows)) == (120, 3, 50)
    assert first.rows[0].name == "Bank 001"
    last = connector_search(CatalogueQuery(), page=3)
    assert [r.name for r in last.rows] == [f"Bank {i:03d}" for i in range(101, 121)]
    assert (last.start, last.end) == (100, 120)
    beyond = connector_search(CatalogueQuery(), page=99)
    assert beyond.page == 3 and "no page 99" in beyond.notices[0]
    zero = connector_search(CatalogueQuery(), page=0)
    assert zero.page == 1 and zero.rows[0].name == "Bank 001" and zero.notices
    descending = connector_search(CatalogueQuery(sort="id", descending=True), page=2)
    assert descending.rows[0].name == "Bank 070"


def test_search_uuids_lists_every_match_in_order(copy):
    uuids = connector_search_uuids(
        CatalogueQuery(q="credit agricole", sort="name", descending=True)
    )
    assert uuids == [CONNECTORS[2]["uuid"], CONNECTORS[1]["uuid"]]


def test_empty_copy_gives_empty_result(db):
    result = connector_search(CatalogueQuery(q="anything"))
    assert result.total == 0 and result.rows == [] and result.num_pages == 1
