"""The Ctrl+K palette's choices (issue 15): connectors by name, slug, bank code, id or UUID,
saved views, and only the pages that exist."""

import pytest

from connectors_ui.catalogue.palette import PAGES
from connectors_ui.models import SavedView

URL = "/connectors/palette/"
BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def _items(client, q: str) -> list[dict]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["items"]


def _labels(client, q: str) -> list[str]:
    return [item["label"] for item in _items(client, q) if item["kind"] != "Page"]


@pytest.mark.parametrize(
    "q",
    ["bnp paribas", "BNP", "30004", BNP, BNP.replace("-", "").upper(), "bnpparibas"],
)
def test_a_connector_by_name_slug_code_uuid(viewer_client, small_catalogue, q):
    assert _labels(viewer_client, q)[0] == "BNP Paribas"


def test_by_integer_id_exact_first(viewer_client, small_catalogue):
    bnp = small_catalogue[0]
    items = _items(viewer_client, str(bnp["id"]))
    assert items[0]["label"] == "BNP Paribas" and items[0]["url"] == f"/connectors/{BNP}/"
    assert "id " + str(bnp["id"]) in items[0]["detail"]


def test_hidden_connectors_are_found_too_and_say_so(viewer_client, small_catalogue):
    bourso = _items(viewer_client, "boursobank")[0]
    assert bourso["label"] == "BoursoBank" and "disabled on this domain" in bourso["detail"]


def test_a_typo_offers_the_close_connectors(viewer_client, small_catalogue):
    items = _items(viewer_client, "bnp parbas")
    assert items[0]["label"] == "BNP Paribas" and items[0]["kind"].startswith("Did you mean")


def test_only_pages_that_exist_are_offered(viewer_client, small_catalogue):
    pages = {item["url"] for item in _items(viewer_client, "") if item["kind"] == "Page"}
    assert {"/connectors/", "/audit/", "/connectors/views/"} <= pages
    missing = {path for _, path, _ in PAGES} - pages
    from django.urls import Resolver404, resolve

    for path in missing:  # those being built elsewhere appear once they resolve
        with pytest.raises(Resolver404):
            resolve(path)
    assert [i["label"] for i in _items(viewer_client, "audit")] == ["Audit log"]


def test_saved_views_mine_and_shared(viewer_client, viewer_user, make_user, small_catalogue):
    SavedView.objects.create(owner=viewer_user, name="French pay", query="country=fr&product=pay")
    other = make_user("editor", username="olga")
    SavedView.objects.create(owner=other, name="French hidden", query="state=hidden", shared=True)
    SavedView.objects.create(owner=other, name="French secret", query="q=x")
    views = [i for i in _items(viewer_client, "french") if i["kind"] == "Saved view"]
    assert [(v["label"], v["url"]) for v in views] == [
        ("French pay", "/connectors/?country=fr&product=pay"),
        ("French hidden", "/connectors/?state=hidden"),
    ]


def test_names_are_data_not_markup(viewer_client, small_catalogue):
    labels = _labels(viewer_client, "script")
    assert labels == ['<script>alert("x")</script> & Co']  # JSON; the script sets textContent


def test_anonymous_is_sent_to_sign_in(anon_client, small_catalogue):
    assert anon_client.get(URL, {"q": "bnp"}).status_code == 302
