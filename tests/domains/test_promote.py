"""Promote: "make <target> like <source>" through the batch path on the target domain: preview,
reason, typed confirmation, stale-write check, audit; one batch id; back to the comparison."""

from audit.models import AuditEntry
from connectors_ui.compare.selectors import CompareQuery, compare_domains
from sandbox.domains import sandbox_domain_scope
from sandbox.models import SandboxConnector
from tests.fixtures.domains import PRODUCTION, SANDBOX

QUERY = f"source={SANDBOX}&target={PRODUCTION}&kind=state"


def _state_rows(count):
    comparison = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION, kind="state"))
    return comparison.rows[:count]


def _hidden_on(name, uuids):
    with sandbox_domain_scope(name):
        return dict(SandboxConnector.objects.filter(uuid__in=uuids).values_list("uuid", "hidden"))


def _post(editor_client, rows, **extra):
    enable = [d.uuid for d in rows if not d.source_hidden]
    disable = [d.uuid for d in rows if d.source_hidden]
    data = {
        "source": SANDBOX,
        "target": PRODUCTION,
        "query": QUERY,
        "enable": ",".join(enable),
        "disable": ",".join(disable),
        "reason": "align production",
        **extra,
    }
    return editor_client.post(f"/d/{PRODUCTION}/compare/promote/apply/", data)


def test_the_preview_is_on_the_target_and_says_what_changes(two_domains, editor_client):
    rows = _state_rows(3)
    page = editor_client.post(
        f"/d/{PRODUCTION}/compare/promote/preview/",
        {"source": SANDBOX, "target": PRODUCTION, "query": QUERY, "uuids": [d.uuid for d in rows]},
    ).content.decode()
    assert "Make <strong" in page and "Demo production (production)" in page
    assert 'class="production-bar"' in page
    assert 'name="confirm_domain"' in page
    assert f"<strong>{sum(1 for d in rows if not d.source_hidden)}</strong> to enable" in page


def test_promoting_three_makes_the_target_like_the_source_in_one_batch(two_domains, editor_client):
    rows = _state_rows(3)
    uuids = [d.uuid for d in rows]
    response = _post(editor_client, rows, confirm_domain=PRODUCTION)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/d/{PRODUCTION}/changes/batch/")
    assert _hidden_on(PRODUCTION, uuids) == _hidden_on(SANDBOX, uuids)
    entries = list(AuditEntry.objects.filter(connector_uuid__in=uuids, outcome="pending"))
    assert len(entries) == 3 and {e.domain for e in entries} == {PRODUCTION}
    assert len({e.batch_id for e in entries}) == 1
    assert all(e.reason == "align production" for e in entries)
    assert all(e.details["promoted_from"] == SANDBOX for e in entries)
    result = editor_client.get(response["Location"]).content.decode()
    assert "Back to the comparison" in result and "kind=state" in result
    after = compare_domains(CompareQuery(source=SANDBOX, target=PRODUCTION, kind="state"))
    assert not set(uuids) & {d.uuid for d in after.rows}  # the copies follow


def test_production_needs_its_name_typed_and_a_reason(two_domains, editor_client):
    rows = _state_rows(2)
    uuids = [d.uuid for d in rows]
    before = _hidden_on(PRODUCTION, uuids)
    refused = _post(editor_client, rows).content.decode()
    assert "type demo-production to confirm" in refused
    refused = _post(editor_client, rows, reason=" ", confirm_domain=PRODUCTION)
    assert refused.status_code == 200
    assert _hidden_on(PRODUCTION, uuids) == before
    assert AuditEntry.objects.filter(domain=PRODUCTION, outcome="refused").exists()


def test_a_stale_difference_is_refused_not_written(two_domains, editor_client):
    [row] = _state_rows(1)
    with sandbox_domain_scope(PRODUCTION):  # someone aligned it behind the dashboard's back
        SandboxConnector.objects.filter(uuid=row.uuid).update(hidden=row.source_hidden)
    response = _post(editor_client, [row], confirm_domain=PRODUCTION)
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(connector_uuid=row.uuid).latest("seq")
    assert (entry.outcome, entry.error_code, entry.domain) == ("refused", "stale", PRODUCTION)


def test_viewers_cannot_promote(two_domains, viewer_client):
    [row] = _state_rows(1)
    response = _post(viewer_client, [row], confirm_domain=PRODUCTION)
    assert response.status_code == 403
    assert _hidden_on(PRODUCTION, [row.uuid])[row.uuid] == row.target_hidden
