"""Export links on the pages carry the page's current query string (page number dropped)."""

import html
import re

from tests.exports.conftest import body_of, parse

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def _export_links(content: bytes) -> list[str]:
    hrefs = re.findall(r'href="([^"]*\.csv[^"]*)"', content.decode())
    return [html.unescape(href) for href in hrefs]


def test_list_page_links_export_the_current_view(catalogue, viewer_client):
    response = viewer_client.get("/connectors/", {"country": "fr", "sort": "-name", "page": 2})
    links = _export_links(response.content)
    assert "/connectors/export.csv?country=fr&sort=-name" in links
    assert "/connectors/fields.csv?country=fr&sort=-name" in links
    assert "/connectors/sources.csv?country=fr&sort=-name" in links
    assert "/connectors/export.csv?country=fr&sort=-name&excel=1" in links
    rows = parse(body_of(viewer_client.get("/connectors/export.csv?country=fr&sort=-name")))
    assert len(rows) == response.context["result"].total > 50


def test_htmx_fragment_links_follow_the_filters(catalogue, viewer_client):
    response = viewer_client.get("/connectors/", {"q": "banque"}, headers={"HX-Request": "true"})
    assert "/connectors/export.csv?q=banque" in _export_links(response.content)


def test_detail_page_links_export_this_connector(small_catalogue, viewer_client):
    links = _export_links(viewer_client.get(f"/connectors/{BNP}/").content)
    reports = ("export", "fields", "sources")
    assert links == [f"/connectors/{r}.csv?connector={BNP}&excel=1" for r in reports] + [
        f"/connectors/{r}.csv?connector={BNP}" for r in reports
    ]
    sources = parse(body_of(viewer_client.get(links[5])))
    assert {row["connector_uuid"] for row in sources} == {BNP} and len(sources) == 3


def test_audit_log_links_export_the_current_filters(small_catalogue, viewer_client):
    links = _export_links(viewer_client.get("/audit/", {"outcome": "failed", "page": 1}).content)
    assert "/audit/export.csv?outcome=failed" in links
