"""The list's filter bar (issue 15): multi-value filters, removable chips, URLs that carry only
what is applied."""

import pytest

from connectors_ui.catalogue.selectors import CatalogueQuery, connector_search
from tests.catalogue.test_list_view import HTMX, body, result_names


@pytest.fixture
def copy(load_connectors, make_connector):
    load_connectors(
        [
            make_connector("Alpha FR", countries=[{"id": "fr", "name": "France"}]),
            make_connector("Bravo DE", countries=[{"id": "de", "name": "Germany"}]),
            make_connector("Charlie ES", countries=[{"id": "es", "name": "Spain"}]),
            make_connector("Delta FR hidden", hidden=True, products=["pay"]),
        ]
    )


def test_several_values_of_a_filter_match_any_of_them(viewer_client, copy):
    html = body(viewer_client.get("/connectors/?country=fr&country=de"))
    assert result_names(html) == ["Alpha FR", "Bravo DE", "Delta FR hidden"]
    assert '<option value="fr" selected>France (2)</option>' in html
    assert '<option value="de" selected>Germany (1)</option>' in html
    assert '<option value="es">Spain (1)</option>' in html
    assert '<summary>Country <span class="facet-n">2</span></summary>' in html


def test_states_combine_too(viewer_client, copy):
    html = body(viewer_client.get("/connectors/?state=enabled&state=hidden&country=fr"))
    assert result_names(html) == ["Alpha FR", "Delta FR hidden"]


def test_one_string_is_one_value_for_callers_of_the_selector(copy):
    assert connector_search(CatalogueQuery(filters={"country": "de"})).total == 1
    assert connector_search(CatalogueQuery(filters={"country": ("de", "es")})).total == 2


def test_an_unknown_value_is_reported_and_the_others_still_apply(viewer_client, copy):
    html = body(viewer_client.get("/connectors/?country=fr&country=zz&country=de"))
    assert "No connector has country “zz”: filter ignored." in html
    assert result_names(html) == ["Alpha FR", "Bravo DE", "Delta FR hidden"]


def test_each_applied_value_is_a_chip_whose_link_removes_only_it(viewer_client, copy):
    html = body(viewer_client.get("/connectors/?q=a&country=fr&country=de&sort=-name&page=1"))
    assert 'aria-label="Active filters"' in html
    assert 'href="/connectors/?country=fr&amp;country=de&amp;sort=-name"' in html  # no search
    chips = html.split('aria-label="Active filters"', 1)[1].split("</ul>", 1)[0].split("<li>")[1:]
    assert 'href="/connectors/?q=a&amp;country=de&amp;sort=-name"' in chips[1]
    assert "Country: France" in chips[1]
    assert 'href="/connectors/?q=a&amp;country=fr&amp;sort=-name"' in chips[2]
    assert "Country: Germany" in chips[2]
    assert ">Clear all</a>" in html


def test_no_chips_without_filters(viewer_client, copy):
    assert 'aria-label="Active filters"' not in body(viewer_client.get("/connectors/"))


def test_empty_parameters_are_dropped_by_a_redirect(viewer_client, copy):
    response = viewer_client.get("/connectors/?q=&country=fr&country=&beta=&sort=")
    assert response.status_code == 302
    assert response["Location"] == "/connectors/?country=fr"


def test_htmx_requests_with_empty_fields_are_answered_not_redirected(viewer_client, copy):
    response = viewer_client.get("/connectors/?q=&country=fr", **HTMX)
    assert response.status_code == 200
    assert result_names(body(response)) == ["Alpha FR", "Delta FR hidden"]


def test_chips_come_with_the_htmx_fragment(viewer_client, copy):
    html = body(viewer_client.get("/connectors/?country=es", **HTMX))
    assert html.lstrip().startswith('<div id="results-table"')
    assert "Country: Spain" in html
