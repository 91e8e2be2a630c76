"""Audit pages: the log (filters, search, sort, pages, htmx fragment), entry diff, batch page,
the reconcile button, and the filter form reused by exports."""

import uuid

import pytest
from django.urls import reverse

from audit.forms import AuditFilterForm
from audit.models import Action, Outcome
from audit.selectors import audit_entry_list
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcome

HTMX = {"HTTP_HX_REQUEST": "true"}
BATCH = uuid.UUID("11111111-2222-4333-8444-555555555555")


def _change(actor, name, *, outcome=Outcome.SUCCEEDED, batch_id=None, reason="routine"):
    target = Target(connector_uuid=str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), connector_name=name)
    intent = Intent(Action.CONNECTOR_DISABLE, target, {"hidden": False}, {"hidden": True})
    entry = audit_record_intents(
        actor=actor, intents=[intent], reason=reason, request_meta=None, batch_id=batch_id
    ).entries[0]
    if outcome != Outcome.PENDING:
        audit_record_outcome(
            entry, Result(outcome, powens_status=500 if outcome == Outcome.FAILED else None)
        )
    return entry


@pytest.fixture
def log(editor_user, admin_user):
    entries = [_change(editor_user, f"Bank {n:03d}") for n in range(55)]
    entries.append(_change(admin_user, "Crédit Mutuel", outcome=Outcome.FAILED, reason="ticket 42"))
    entries += [_change(admin_user, f"Batch bank {n}", batch_id=BATCH) for n in range(3)]
    return entries


def test_log_paginates_newest_first(viewer_client, log):
    page = viewer_client.get(reverse("audit:log")).content.decode()
    assert "<strong>59</strong> entries" in page and "Page 1 of 2" in page
    assert page.index("Batch bank 2") < page.index("Crédit Mutuel")
    oldest = viewer_client.get(reverse("audit:log"), {"sort": "oldest"}).content.decode()
    assert "Bank 000" in oldest and "Batch bank" not in oldest


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"actor": "admin-user"}, 4),
        ({"outcome": "failed"}, 1),
        ({"q": "ticket 42"}, 1),
        ({"connector": "crédit"}, 1),
        ({"batch": str(BATCH)}, 3),
        ({"action": "connector_disable"}, 59),
        ({"action": "source_enable"}, 0),
        ({"date_from": "2000-01-01", "date_to": "2000-01-02"}, 0),
    ],
)
def test_log_filters(viewer_client, log, params, count):
    response = viewer_client.get(reverse("audit:log"), params, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="audit-results"') and "<html" not in body
    assert f"<strong>{count}</strong> entr" in body


def test_connector_filter_by_uuid_and_bad_values_do_not_500(viewer_client, log):
    uuid_value = log[0].connector_uuid
    body = viewer_client.get(reverse("audit:log"), {"connector": uuid_value}).content.decode()
    assert "<strong>1</strong> entry" in body
    body = viewer_client.get(
        reverse("audit:log"), {"outcome": "bogus", "batch": "x", "page": "999"}
    ).content.decode()
    assert "This filter is ignored." in body and "<strong>59</strong> entries" in body


def test_filter_form_and_selector_are_reusable(log):
    form = AuditFilterForm({"outcome": "failed"})
    assert [e.connector_name for e in audit_entry_list(form.filters())] == ["Crédit Mutuel"]


def test_entry_page_shows_diff_and_outcomes(viewer_client, log):
    failed = log[55]
    page = viewer_client.get(reverse("audit:entry", args=[failed.pk])).content.decode()
    assert "Before and after" in page and '<tr class="changed"><th scope="row">hidden</th>' in page
    assert "HTTP 500" in page and "ticket 42" in page and failed.entry_hash in page
    assert viewer_client.get(reverse("audit:entry", args=[999999])).status_code == 404


def test_batch_page(viewer_client, log):
    page = viewer_client.get(reverse("audit:batch", args=[BATCH])).content.decode()
    assert "3 succeeded" in page and page.count("Batch bank") == 3
    assert viewer_client.get(reverse("audit:batch", args=[uuid.uuid4()])).status_code == 404


def test_reconcile_button_is_for_admins(admin_client, editor_client, editor_user, small_sandbox):
    entry = _change(editor_user, "Ghost bank", outcome=Outcome.UNKNOWN)
    page = admin_client.get(reverse("audit:log")).content.decode()
    assert "<strong>1</strong> change pending or unknown" in page
    assert editor_client.post(reverse("audit:reconcile")).status_code == 403
    response = admin_client.post(reverse("audit:reconcile"), follow=True)
    assert (
        "Reconciled 1 entry: 0 succeeded, 0 failed, 1 still unresolved."
        in response.content.decode()
    )
    assert entry.outcomes.count() == 1, "a connector Powens does not list stays unresolved"


def test_anonymous_is_sent_to_login(anon_client):
    response = anon_client.get(reverse("audit:log"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_log_refuses_post(viewer_client):
    assert viewer_client.post(reverse("audit:log")).status_code == 405


def test_a_refused_refresh_is_on_the_record_and_readable(viewer_client, small_catalogue):
    refused = viewer_client.post(reverse("catalogue_refresh"), {"next": "/connectors/"})
    assert refused.status_code == 403
    assert "Only editors and admins can refresh the catalogue." in refused.content.decode()
    [entry] = audit_entry_list({"action": Action.CATALOGUE_REFRESH})
    assert (entry.outcome, entry.error_code, entry.actor_username) == (
        Outcome.REFUSED,
        "forbidden",
        "viewer-user",
    )
    listed = viewer_client.get(reverse("audit:log"), {"action": "catalogue_refresh"})
    assert "Refresh catalogue" in listed.content.decode()
    page = viewer_client.get(reverse("audit:entry", args=[entry.pk])).content.decode()
    assert "Refresh catalogue" in page and "Only editors and admins can refresh" in page
