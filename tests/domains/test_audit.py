"""Audit entries carry their domain: sealed into new entries' hashes (one chain for every
domain), filtered on the log, a column of the audit CSV."""

import csv
import io

from audit.models import AuditEntry
from audit.sealing import record_hash
from audit.services import audit_record_export
from connectors_ui.domains.context import domain_scope
from tests.fixtures.domains import PRODUCTION, SANDBOX, confirmed_disable


def _export(name):
    with domain_scope(name):
        return audit_record_export(actor=None, report="connectors", query_string="", row_count=0)


def test_the_domain_is_sealed_into_each_entry_and_one_chain_covers_all(db):
    sandbox, production = _export(SANDBOX), _export(PRODUCTION)
    assert (sandbox.domain, production.domain) == (SANDBOX, PRODUCTION)
    assert production.prev_hash == sandbox.entry_hash  # one chain
    production.domain = SANDBOX
    assert record_hash(production) != production.entry_hash  # moving it breaks its seal


def test_the_log_filters_by_domain_and_the_csv_says_it(db, viewer_client):
    _export(SANDBOX)
    _export(PRODUCTION)
    _export(PRODUCTION)
    page = viewer_client.get(f"/audit/?domain={PRODUCTION}").content.decode()
    assert page.count('class="kind-tag domain-tag"') == 2
    body = b"".join(viewer_client.get(f"/audit/export.csv?domain={SANDBOX}").streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    exports = [r for r in rows if r["action"] == "export"]
    assert {r["domain"] for r in exports} == {SANDBOX}
    assert AuditEntry.objects.filter(domain=PRODUCTION).count() == 2


def test_a_logged_change_links_to_its_connector_on_its_own_domain(two_small_domains, viewer_client):
    """The log lists every domain's entries; the same connector is on both, so a plain link
    would lead from production's entry to the sandbox's page, which knows no such change."""
    connector = two_small_domains[SANDBOX][0]
    production = confirmed_disable(PRODUCTION, connector)
    confirmed_disable(SANDBOX, connector)
    uuid = connector["uuid"]
    on_default = viewer_client.get("/audit/").content.decode()
    assert f'href="/connectors/{uuid}/"' in on_default
    assert f'href="/d/{PRODUCTION}/connectors/{uuid}/"' in on_default
    on_production = viewer_client.get(f"/d/{PRODUCTION}/audit/").content.decode()
    assert f'href="/d/{SANDBOX}/connectors/{uuid}/"' in on_production
    assert f'href="/d/{PRODUCTION}/connectors/{uuid}/"' in on_production
    assert f'href="/connectors/{uuid}/"' not in on_production
    entry = viewer_client.get(f"/audit/{production.pk}/").content.decode()
    assert f'href="/d/{PRODUCTION}/connectors/{uuid}/"' in entry
    tag = f'<span class="kind-tag domain-tag" title="Powens domain">{PRODUCTION}</span>'
    assert f'<th scope="row">Domain</th><td>{tag}' in entry


def test_a_connector_pages_full_history_is_its_domains(two_small_domains, viewer_client):
    connector = two_small_domains[SANDBOX][0]
    confirmed_disable(SANDBOX, connector)  # nothing on production yet
    uuid = connector["uuid"]
    page = viewer_client.get(f"/d/{PRODUCTION}/connectors/{uuid}/").content.decode()
    link = f"/audit/?connector={uuid}&amp;domain={PRODUCTION}"
    assert f'href="/d/{PRODUCTION}{link}"' in page
    history = viewer_client.get(f"/d/{PRODUCTION}{link.replace('&amp;', '&')}")
    assert history.status_code == 200
    text = history.content.decode()
    assert "no entry of the log is about a domain" not in text
    assert f'href="/d/{SANDBOX}/connectors/{uuid}/"' not in text
