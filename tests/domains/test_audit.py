"""Audit entries carry their domain: sealed into new entries' hashes (one chain for every
domain), filtered on the log, a column of the audit CSV."""

import csv
import io

from audit.models import AuditEntry
from audit.sealing import record_hash
from audit.services import audit_record_export
from connectors_ui.domains.context import domain_scope
from tests.fixtures.domains import PRODUCTION, SANDBOX


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
