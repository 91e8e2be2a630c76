"""Parts of the list page held per copy of the catalogue (``templatetags.list_fragments``):
served again only to a request that would render them the same, and never with anything that
belongs to one session."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.events import unrecorded
from connectors_ui.catalogue.selectors import catalogue_index, catalogue_status
from connectors_ui.templatetags import list_fragments
from tests.fixtures.domains import SANDBOX

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
HELD = {"facets", "results-head", "results-rows"}


def _list(client, query: str = "") -> str:
    answer = client.get(reverse("connector_list") + query)
    assert answer.status_code == 200
    return answer.content.decode()


def _results(html: str) -> str:
    """The results table, which for a viewer holds nothing of the session (no batch bar)."""
    return html[html.index('<div id="results-table"') :]


def _held() -> dict:
    return catalogue_index(catalogue_status()).fragments


def test_a_page_seen_again_is_served_from_its_held_parts(viewer_client, small_catalogue):
    first = _list(viewer_client, "?sort=-name")
    assert {key[0] for key in _held()} == HELD
    held = {key: html for key, (_, html) in _held().items()}
    assert _results(_list(viewer_client, "?sort=-name")) == _results(first)
    assert {key: html for key, (_, html) in _held().items()} == held  # nothing rendered anew
    assert all(html in first for html in held.values())


def _batch_token(html: str) -> str:
    form = html[html.index('id="batch-form"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_each_session_gets_its_own_csrf_field_and_can_post_with_it(make_user, small_catalogue):
    clients = []
    for name in ("editor-a", "editor-b"):
        client = Client(enforce_csrf_checks=True)
        with unrecorded():
            client.force_login(make_user("editor", name))
        clients.append(client)
    for client in clients:
        token = _batch_token(_list(client))
        secret = client.cookies["csrftoken"].value
        assert _unmask_cipher_token(token) == secret
        answer = client.post(
            reverse("batch_preview"),
            {"csrfmiddlewaretoken": token, "uuids": [BNP], "enabled": "0", "query": ""},
        )
        assert answer.status_code == 200
    assert {key[0] for key in _held()} == HELD  # the second editor was served held parts


def test_the_approval_policy_changes_the_rows_without_a_new_copy(
    editor_client, small_catalogue, settings
):
    assert "data-row-disable" not in _list(editor_client)
    settings.CHANGE_APPROVAL_POLICY = {SANDBOX: "approval"}
    assert 'data-row-disable="Propose disabling (needs approval)"' in _list(editor_client)


def test_links_carry_back_the_query_string_as_it_came(viewer_client, small_catalogue):
    assert "utm=a&amp;sort=-name" in _list(viewer_client, "?utm=a")
    page = _list(viewer_client, "?utm=b")
    assert "utm=b&amp;sort=-name" in page and "utm=a" not in page


def _render_held(body: str, context: dict) -> str:
    template = Template('{% load list_fragments %}{% held_fragment "part" %}' + body)
    return template.render(Context(context))


class _Page:
    def __init__(self) -> None:
        self.rows: list = []
        self.fragments: dict = {}


@pytest.mark.parametrize(
    ("body", "held"),
    [
        ("{{ n }}{% endheld_fragment %}", True),
        ('<input name="csrfmiddlewaretoken">{{ n }}{% endheld_fragment %}', False),
    ],
)
def test_a_part_with_a_csrf_field_is_never_held(body, held, monkeypatch):
    monkeypatch.setattr(list_fragments, "approval_required", lambda: False)
    request = RequestFactory().get("/connectors/")
    page = _Page()
    assert _render_held(body, {"request": request, "result": page, "n": 1}).endswith("1")
    assert bool(page.fragments) is held
    served = _render_held(body, {"request": request, "result": page, "n": 2})
    assert served.endswith("1" if held else "2")


def test_held_parts_are_bounded(viewer_client, small_catalogue, monkeypatch):
    monkeypatch.setattr(list_fragments, "HELD_FRAGMENTS", 4)
    for n in range(5):
        _list(viewer_client, f"?utm={n}")
        assert len(_held()) <= 4


def test_a_part_with_a_row_whose_state_may_be_unknown_is_not_held(monkeypatch):
    monkeypatch.setattr(list_fragments, "approval_required", lambda: False)
    request = RequestFactory().get("/connectors/")
    page = _Page()
    page.rows = [type("Row", (), {"has_unresolved_change": True})()]
    _render_held("{{ n }}{% endheld_fragment %}", {"request": request, "result": page, "n": 1})
    assert page.fragments == {}
