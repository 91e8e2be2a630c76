"""Names longer than their column: stored cut with a visible "…", kept whole in the raw JSON
and shown whole on hover in the list (issue 10, item 6)."""

import html
import json

from connectors_ui.catalogue.columns import NAME_LIMIT, SOURCE_NAME_LIMIT, clipped
from connectors_ui.models import CatalogueConnector, CatalogueSource
from tests.fixtures.catalogue import connector_dict

LONG = "Crédit" + "A" * 4994  # 5,000 characters, no space


def long_connector() -> dict:
    source = {"id": 7, "name": "S" * 300, "priority": 1, "disabled": None}
    return connector_dict(LONG, sources=[source])


def test_limits_are_the_columns_sizes():
    assert CatalogueConnector._meta.get_field("name").max_length == NAME_LIMIT
    assert CatalogueSource._meta.get_field("name").max_length == SOURCE_NAME_LIMIT


def test_clipped_marks_a_cut_and_only_a_cut():
    assert clipped("abc", 3) == "abc"
    assert clipped("abcd", 3) == "ab…"
    assert clipped(None, 3) == "" and clipped(12345, 3) == "12…"


def test_a_long_name_is_stored_cut_with_a_marker_and_whole_in_the_raw_json(load_connectors):
    load_connectors([long_connector(), connector_dict("B" * NAME_LIMIT)])
    stored = CatalogueConnector.objects.get(raw__id=long_connector()["id"])
    assert len(stored.name) == NAME_LIMIT
    assert stored.name == LONG[: NAME_LIMIT - 1] + "…"
    assert stored.raw["name"] == LONG
    source = stored.sources.get()
    assert source.name == "S" * (SOURCE_NAME_LIMIT - 1) + "…" and source.raw["name"] == "S" * 300
    exactly_the_limit = CatalogueConnector.objects.get(name__startswith="B")
    assert exactly_the_limit.name == "B" * NAME_LIMIT  # not cut, so no marker


def test_the_detail_page_shows_the_marker_and_the_raw_json_the_whole_name(
    load_connectors, viewer_client
):
    load_connectors([long_connector()])
    uuid = long_connector()["uuid"]
    body = html.unescape(viewer_client.get(f"/connectors/{uuid}/").content.decode())
    assert LONG[: NAME_LIMIT - 1] + "…</h1>" in body.replace("\n", "")
    raw = body.split('id="raw-json"', 1)[1].split(">", 1)[1].split("</pre>", 1)[0]
    assert json.loads(raw)["name"] == LONG


def test_list_rows_carry_the_name_in_a_title(load_connectors, viewer_client, editor_client):
    load_connectors([long_connector()])
    stored = CatalogueConnector.objects.get().name
    for client in (viewer_client, editor_client):
        body = client.get("/connectors/").content.decode()
        assert f'title="{html.escape(stored)}"' in body
        assert 'title="' + "S" * (SOURCE_NAME_LIMIT - 1) + "… · priority 1" in body


def test_hostile_names_stay_escaped_in_the_title(load_connectors, viewer_client):
    # Long enough to be clipped, so the row carries it whole in a title.
    load_connectors([connector_dict('"><script>alert(1)</script> Banque Populaire du Sud')])
    body = viewer_client.get("/connectors/").content.decode()
    assert "<script>alert(1)" not in body
    assert 'title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; Banque Populaire du Sud"' in body
