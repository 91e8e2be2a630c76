"""URLs name their domain; the URLs without one keep working (GET and POST) and mean the
default domain; the header switches domains; production is unmistakable."""

import re

import pytest

from audit.models import AuditEntry
from connectors_ui.domains.context import domain_scope
from connectors_ui.models import CatalogueConnector
from sandbox.models import SandboxConnector
from tests.fixtures.domains import PRODUCTION, SANDBOX


def _hidden(uuid):
    return dict(SandboxConnector.all_domains.filter(uuid=uuid).values_list("domain", "hidden"))


def test_a_domain_url_shows_that_domains_copy_and_its_links_keep_the_domain(
    two_domains, viewer_client
):
    only_production = two_domains[PRODUCTION][-1]  # production-only connector
    page = viewer_client.get(f"/d/{PRODUCTION}/connectors/?q=Entreprises")
    html = page.content.decode()
    assert page.status_code == 200 and only_production["name"] in html
    assert f'href="/d/{PRODUCTION}/connectors/{only_production["uuid"]}/"' in html
    assert 'href="/d/demo-production/audit/"' in html
    assert 'href="/static/' in html  # static files are not under the domain
    default = viewer_client.get("/connectors/?q=Entreprises").content.decode()
    assert only_production["name"] not in default


def test_production_is_marked_on_every_page_and_the_sandbox_is_not(two_domains, viewer_client):
    for path in ("connectors/", "audit/", "compare/"):
        html = viewer_client.get(f"/d/{PRODUCTION}/{path}").content.decode()
        assert 'class="production-bar"' in html and "PRODUCTION" in html, path
        assert 'class="on-production"' in html
    sandbox = viewer_client.get(f"/d/{SANDBOX}/connectors/").content.decode()
    assert "production-bar" not in sandbox and "is-sandbox" in sandbox


def test_the_switcher_links_the_same_page_on_each_domain(two_domains, viewer_client):
    html = viewer_client.get(f"/d/{SANDBOX}/connectors/?country=fr").content.decode()
    links = dict(re.findall(r'<li><a href="([^"]+)"[^>]*>(Demo [a-z]+)', html))
    assert links == {
        f"/d/{SANDBOX}/connectors/?country=fr": "Demo sandbox",
        f"/d/{PRODUCTION}/connectors/?country=fr": "Demo production",
    }


def test_an_unknown_domain_is_a_404(two_domains, viewer_client):
    assert viewer_client.get("/d/nope/connectors/").status_code == 404


@pytest.mark.parametrize("prefix", ["", f"/d/{SANDBOX}"])
def test_posts_without_a_domain_or_with_the_default_one_change_the_default_domain(
    two_small_domains, editor_client, prefix
):
    uuid = two_small_domains[SANDBOX][0]["uuid"]
    response = editor_client.post(
        f"{prefix}/connectors/{uuid}/state/",
        {"enabled": "0", "seen_hidden": "0", "reason": "outage"},
    )
    assert response.status_code in (200, 302)
    assert _hidden(uuid) == {SANDBOX: True, PRODUCTION: False}
    entry = AuditEntry.objects.latest("seq")
    assert (entry.domain, entry.connector_uuid) == (SANDBOX, uuid)


def test_a_post_on_a_domain_url_changes_that_domain(two_small_domains, editor_client):
    uuid = two_small_domains[SANDBOX][0]["uuid"]
    response = editor_client.post(
        f"/d/{PRODUCTION}/connectors/{uuid}/state/",
        {"enabled": "0", "seen_hidden": "0", "reason": "outage"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/d/{PRODUCTION}/connectors/")
    assert _hidden(uuid) == {SANDBOX: False, PRODUCTION: True}
    with domain_scope(PRODUCTION):
        assert CatalogueConnector.objects.get(uuid=uuid).hidden
    with domain_scope(SANDBOX):
        assert not CatalogueConnector.objects.get(uuid=uuid).hidden


def test_a_production_batch_needs_the_domains_name_typed(two_small_domains, editor_client):
    uuid = two_small_domains[SANDBOX][0]["uuid"]
    data = {"enabled": "0", "selection": uuid, "reason": "outage"}
    preview = editor_client.post(f"/d/{PRODUCTION}/changes/batch/preview/", {**data, "uuids": uuid})
    assert 'name="confirm_domain"' in preview.content.decode()
    refused = editor_client.post(f"/d/{PRODUCTION}/changes/batch/apply/", data)
    assert "type demo-production to confirm" in refused.content.decode()
    assert _hidden(uuid)[PRODUCTION] is False
    done = editor_client.post(
        f"/d/{PRODUCTION}/changes/batch/apply/", {**data, "confirm_domain": PRODUCTION}
    )
    assert done.status_code == 302 and done["Location"].startswith(f"/d/{PRODUCTION}/changes/")
    assert _hidden(uuid) == {SANDBOX: False, PRODUCTION: True}
    sandbox = editor_client.post(f"/d/{SANDBOX}/changes/batch/apply/", data)
    assert sandbox.status_code == 302  # no name to type on a sandbox
