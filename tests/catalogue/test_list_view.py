"""The connector list page: full page vs htmx fragment, URL state, validation, jumps, states."""

import re

import pytest

from connectors_ui.powens.client import call_count, reset_call_count
from tests.fixtures.catalogue import connector_dict

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
HTMX = {"HTTP_HX_REQUEST": "true"}


def body(response):
    return response.content.decode()


def result_names(html):
    # A row's link holds its colour swatch.
    link = r'<a href="/connectors/[0-9a-f-]{36}/"[^>]*>'
    return re.findall(link + r"(?:<svg[^>]*></svg>)?([^<]*)</a>", html)


def test_root_leads_to_connectors(viewer_client):
    response = viewer_client.get("/")
    assert response.status_code == 302 and response["Location"] == "/connectors/"


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/connectors/?q=bnp")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_post_is_not_allowed(viewer_client, small_catalogue):
    assert viewer_client.post("/connectors/").status_code == 405


def test_full_page_has_form_facets_table_and_freshness(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/"))
    assert '<form id="connector-filters"' in html and 'hx-push-url="true"' in html
    assert (
        'method="get" action="/connectors/"' in html
        and '<button type="submit">Search</button>' in html
    )
    assert "data-search-input" in html
    assert "Catalogue refreshed" in html
    assert "Showing 1–7 of <strong>7</strong> connectors" in html
    assert '<option value="fr">France (6)</option>' in html
    assert '<option value="hidden">disabled on this domain (1)</option>' in html
    # Columns: swatch, countries, products, auth mechanism, sources with state, badges.
    assert '<svg color="#95509b"></svg>' in html and '<abbr title="France">FR</abbr>' in html
    assert (
        "directaccess · disabled" in html
        and 'data-state="hidden" title="End users cannot add new connections to it">'
        "disabled on this domain</b>"
        in html
    )


def test_htmx_request_returns_only_the_results_fragment_with_fresh_facets(
    viewer_client, small_catalogue
):
    html = body(viewer_client.get("/connectors/?q=credit&country=fr", **HTMX))
    assert html.lstrip().startswith('<div id="results-table"')
    assert "<html" not in html and 'id="connector-filters"' not in html
    assert 'id="filter-facets" class="facets" hx-swap-oob="true"' in html
    assert '<option value="fr" selected>France (1)</option>' in html
    assert result_names(html) == ["Crédit Agricole d&#x27;Ile-de-France"]


def test_history_restore_request_gets_the_full_page(viewer_client, small_catalogue):
    html = body(
        viewer_client.get("/connectors/?q=bnp", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    )
    assert "<html" in html and 'value="bnp"' in html


def test_no_js_form_get_with_empty_fields_works(viewer_client, small_catalogue):
    empty = "q country capability auth state source source_disabled beta restricted charged pay"
    url = "/connectors/?product=pay&" + "&".join(f"{name}=" for name in empty.split())
    response = viewer_client.get(url)
    # The URL people copy carries only what is applied: the form's empty fields are dropped.
    assert response.status_code == 302 and response["Location"] == "/connectors/?product=pay"
    html = body(viewer_client.get(response["Location"]))
    assert result_names(html) == ["BNP Paribas", "N26"]
    assert '<option value="pay" selected>pay (2)</option>' in html


def test_url_state_is_restored_into_the_form(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/?q=bnp&country=fr&beta=no&sort=-name"))
    assert 'value="bnp"' in html
    assert '<option value="fr" selected>' in html and '<option value="no" selected>' in html
    assert '<input type="hidden" name="sort" value="-name">' in html
    assert 'aria-sort="descending"' in html


def test_sort_links_keep_filters_and_reset_page(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/?country=fr&page=1"))
    assert 'href="?country=fr&amp;sort=-name"' in html  # current sort toggles to descending
    assert 'href="?country=fr&amp;sort=id"' in html
    names = result_names(body(viewer_client.get("/connectors/?sort=-id")))
    assert names[0] == "N26" and names[-1] == "BNP Paribas"


def test_pagination_links_and_edges(viewer_client, load_connectors):
    load_connectors([connector_dict(f"Bank {i:03d}", id=i) for i in range(1, 121)])
    html = body(viewer_client.get("/connectors/?q=bank&page=2"))
    assert "Showing 51–100 of <strong>120</strong>" in html and "Page 2 of 3" in html
    assert 'href="?q=bank&amp;page=3"' in html and 'href="?q=bank&amp;page=1"' in html
    beyond = body(viewer_client.get("/connectors/?page=9"))
    assert "There is no page 9: showing page 3" in beyond and "Showing 101–120" in beyond
    zero = body(viewer_client.get("/connectors/?page=0"))
    assert "Pages start at 1" in zero and "Showing 1–50" in zero
    text = viewer_client.get("/connectors/?page=abc")
    assert text.status_code == 200 and "The page must be a number" in body(text)
    assert "Showing 1–50" in body(text)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=zz", "No connector has country “zz”: filter ignored."),
        ("product=%3Cscript%3E", "No connector has product “&lt;script&gt;”: filter ignored."),
        ("auth=magic", "No connector supports auth mechanism “magic”: filter ignored."),
        ("beta=maybe", "“maybe” is not a valid beta filter: use yes or no."),
        ("state=deleted", "not a valid state filter"),
        ("sort=colour", "Unknown sort “colour”: sorted by name."),
        ("q=" + "x" * 201, "at most 200 characters"),
    ],
)
def test_invalid_filters_give_a_message_not_an_error(
    viewer_client, small_catalogue, query, message
):
    response = viewer_client.get("/connectors/?" + query)
    assert response.status_code == 200
    assert message in body(response)
    assert "<script>" not in body(response).split("<main", 1)[1]


def test_invalid_filter_is_ignored_and_valid_ones_still_apply(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/?country=zz&product=pay"))
    assert result_names(html) == ["BNP Paribas", "N26"]


def test_auth_filter_says_it_matches_supported_mechanisms_not_the_default(
    viewer_client, load_connectors
):
    load_connectors(
        [
            connector_dict("Both Bank", available_auth_mechanisms=["credentials", "webauth"]),
            connector_dict(
                "Redirect Bank", auth_mechanism="webauth", available_auth_mechanisms=["webauth"]
            ),
            connector_dict("Form Bank"),
        ]
    )
    html = body(viewer_client.get("/connectors/?auth=webauth"))
    assert re.search(
        r'<summary>Supports auth mechanism <span class="facet-n">1</span></summary>'
        r'<select name="auth" multiple',
        html,
    )
    # Both Bank's default (the column) is credentials, yet it supports webauth.
    assert result_names(html) == ["Both Bank", "Redirect Bank"]


def test_country_filter_is_case_insensitive(viewer_client, small_catalogue):
    assert result_names(body(viewer_client.get("/connectors/?country=DE"))) == ["N26"]


def test_exact_uuid_on_full_page_redirects_to_the_connector(viewer_client, small_catalogue):
    response = viewer_client.get(f"/connectors/?q={BNP.upper()}")
    assert response.status_code == 302 and response["Location"] == f"/connectors/{BNP}/"
    response = viewer_client.get("/connectors/?q=7")
    assert response.status_code == 302 and response["Location"].startswith("/connectors/1f6220d2")


def test_uuid_without_hyphens_on_full_page_redirects(viewer_client, small_catalogue):
    response = viewer_client.get(f"/connectors/?q={BNP.replace('-', '').upper()}")
    assert response.status_code == 302 and response["Location"] == f"/connectors/{BNP}/"


def test_exact_id_that_also_matches_other_rows_still_redirects(viewer_client, small_catalogue):
    # "1" is BNP Paribas' id and a substring of other codes and ids: Enter still opens BNP.
    assert result_names(body(viewer_client.get("/connectors/?q=1", **HTMX))) != ["BNP Paribas"]
    response = viewer_client.get("/connectors/?q=1")
    assert response.status_code == 302 and response["Location"] == f"/connectors/{BNP}/"


def test_exact_id_while_typing_offers_open_link(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/?q=1", **HTMX))
    assert "Connector with id 1:" in html and f'href="/connectors/{BNP}/">Open</a>' in html


def test_id_that_is_also_a_code_elsewhere_jumps_on_enter_and_offers_open_while_typing(
    viewer_client, load_connectors
):
    load_connectors(
        [connector_dict("Alpha", id=30004), connector_dict("Beta Bank", id=1, code="30004")]
    )
    alpha = connector_dict("Alpha")["uuid"]
    response = viewer_client.get("/connectors/?q=30004")
    assert response.status_code == 302 and response["Location"] == f"/connectors/{alpha}/"
    html = body(viewer_client.get("/connectors/?q=30004", **HTMX))
    assert "Connector with id 30004:" in html and result_names(html) == ["Alpha", "Beta Bank"]


def test_number_that_is_no_connector_id_stays_on_the_list(viewer_client, load_connectors):
    load_connectors([connector_dict("Beta Bank", id=1, code="30004")])
    response = viewer_client.get("/connectors/?q=30004")
    assert response.status_code == 200 and result_names(body(response)) == ["Beta Bank"]


def test_punctuation_only_search_says_so_instead_of_silence(viewer_client, small_catalogue):
    for q in ("%25", "_", "%27"):
        for headers in ({}, HTMX):
            html = body(viewer_client.get(f"/connectors/?q={q}", **headers))
            notice = r"Nothing to search for in “(%|_|&#x27;)”: showing all connectors\."
            assert re.search(notice, html)
            assert len(result_names(html)) == len(small_catalogue)


def test_hostile_names_render_as_text(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/?q=co"))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert '<script>alert("x")' not in html


def test_no_match_state_says_what_to_do(viewer_client, small_catalogue):
    html = body(viewer_client.get("/connectors/?q=zzzz&country=fr"))
    assert "No connector matches “zzzz” with these filters." in html
    assert 'href="/connectors/?q=zzzz">Remove all filters</a>' in html
    assert "Check the spelling" in html


def test_no_match_offers_removed_connectors(viewer_client, load_connectors):
    load_connectors([connector_dict("Old Bank"), connector_dict("New Bank")])
    load_connectors([connector_dict("New Bank")])
    html = body(viewer_client.get("/connectors/?q=old"))
    assert "1 connector no longer listed by Powens match" in html
    assert 'href="?q=old&amp;state=removed"' in html
    assert result_names(body(viewer_client.get("/connectors/?q=old&state=removed"))) == ["Old Bank"]


def test_empty_copy_says_it_is_empty(editor_client, viewer_client, db):
    assert "Use the Refresh button above" in body(editor_client.get("/connectors/"))
    assert "ask an editor to refresh it" in body(viewer_client.get("/connectors/"))
    assert "The catalogue has never been loaded from Powens" in body(
        viewer_client.get("/connectors/")
    )


def test_warm_page_views_make_no_upstream_calls(viewer_client, small_catalogue):
    viewer_client.get("/connectors/")
    reset_call_count()
    for url in (
        "/connectors/",
        "/connectors/?q=credit",
        f"/connectors/{BNP}/",
        "/connectors/?beta=no",
    ):
        viewer_client.get(url, **HTMX)
        viewer_client.get(url)
    assert call_count() == 0


def test_refresh_button_only_for_editors(viewer_client, editor_client, small_catalogue):
    assert 'action="/connectors/refresh/"' not in body(viewer_client.get("/connectors/"))
    assert 'action="/connectors/refresh/"' in body(editor_client.get("/connectors/"))
