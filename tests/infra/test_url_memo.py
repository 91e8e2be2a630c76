"""``{% load url_memo %}``: Django's ``{% url %}``, each argument-less URL reversed once per URL
configuration and prefix; the same answer as Django's in every form the tag takes."""

import pytest
from django.template import Context, Template
from django.urls import set_script_prefix

from connectors_ui.templatetags import url_memo
from tests.fixtures.domains import PRODUCTION

FORMS = [
    "{% url 'connector_list' %}",
    "{% url 'audit:log' %}",
    "{% url name %}",
    "{% url 'connector_detail' ref %}",
    "{% url 'connector_detail' ref=ref %}",
    "{% url 'connector_list' as there %}[{{ there }}]",
    "{% url 'nope' as there %}[{{ there }}]",
]


@pytest.mark.parametrize("source", FORMS)
@pytest.mark.parametrize("prefix", ["/", f"/d/{PRODUCTION}/"])
def test_it_answers_as_django_s_tag(source, prefix):
    context = {"name": "saved_views", "ref": "a-b"}
    set_script_prefix(prefix)
    try:
        for _ in range(2):  # reversed, then held
            memo = Template("{% load url_memo %}" + source).render(Context(context))
            assert memo == Template(source).render(Context(context))
    finally:
        set_script_prefix("/")
    assert memo.startswith(prefix) or memo.startswith("[" + prefix) or memo == "[]"


def test_held_urls_are_bounded(monkeypatch):
    monkeypatch.setattr(url_memo, "HELD_URLS", 2)
    monkeypatch.setattr(url_memo, "_held", {})
    for name in ("connector_list", "saved_views", "palette"):
        Template("{% load url_memo %}{% url '" + name + "' %}").render(Context())
        assert len(url_memo._held) <= 2


def test_a_domain_page_links_under_its_prefix_after_the_plain_one(two_domains, viewer_client):
    assert 'href="/audit/"' in viewer_client.get("/connectors/").content.decode()
    page = viewer_client.get(f"/d/{PRODUCTION}/connectors/").content.decode()
    assert f'href="/d/{PRODUCTION}/audit/"' in page and 'href="/audit/"' not in page
