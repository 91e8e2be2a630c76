"""The audit log report, and the audit record every export leaves behind."""

import uuid

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client

from audit.forms import AuditFilterForm
from audit.models import Action, AuditEntry, Outcome
from audit.selectors import audit_entry_list
from audit.services import (
    Intent,
    Result,
    Target,
    audit_record_intents,
    audit_record_outcome,
    audit_record_refused,
)
from connectors_ui.exports.audit_rows import AUDIT_HEADER
from connectors_ui.exports.views import connectors_csv
from tests.exports.conftest import body_of

BATCH = uuid.UUID("6f1c1d8e-2f4e-4c1a-9d2b-0a4b7c9e1f00")


@pytest.fixture
def history(editor_user) -> list[AuditEntry]:
    """A batch of two (one succeeded, one failed) and a refusal with a formula-like reason."""
    intents = [
        Intent(
            Action.BATCH_DISABLE,
            Target(f"uuid-{i}", f"Bank {i}"),
            {"hidden": False},
            {"hidden": True},
        )
        for i in range(2)
    ]
    entries = audit_record_intents(
        actor=editor_user,
        intents=intents,
        reason="Bank outage",
        request_meta=None,
        batch_id=BATCH,
    ).entries
    audit_record_outcome(entries[0], Result(Outcome.SUCCEEDED, powens_status=200))
    audit_record_outcome(
        entries[1], Result(Outcome.FAILED, powens_status=503, error_message="down")
    )
    refused = audit_record_refused(
        actor=editor_user,
        action=Action.CONNECTOR_ENABLE,
        target=Target("uuid-9", "Société"),
        reason="=cmd|' /C calc'!A0",
        code="stale",
        message="changed meanwhile",
        request_meta=None,
    )
    return [*entries, refused]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"batch": str(BATCH)},
        {"outcome": "failed"},
        {"sort": "oldest"},
        {"q": "société"},
        {"action": "connector_enable", "actor": "editor-user"},
    ],
)
def test_audit_report_equals_the_filtered_log(history, download, params):
    expected = [
        str(pk)
        for pk in audit_entry_list(AuditFilterForm(params).filters()).values_list("pk", flat=True)
    ]
    rows = download("/audit/export.csv", params)
    assert list(rows[0]) == list(AUDIT_HEADER) and [r["entry_id"] for r in rows] == expected


def test_audit_rows_carry_batch_outcome_and_reason(history, download):
    rows = {r["entry_id"]: r for r in download("/audit/export.csv", {"sort": "oldest"})}
    ok, failed, refused = (rows[str(e.pk)] for e in history)
    assert ok["batch_id"] == failed["batch_id"] == str(BATCH)
    assert (ok["outcome"], failed["outcome"], refused["outcome"]) == (
        "succeeded",
        "failed",
        "refused",
    )
    assert ok["reason"] == "Bank outage" and failed["error_message"] == "down"
    assert failed["powens_status"] == "503" and ok["after"] == '{"hidden":true}'
    assert refused["reason"] == "'=cmd|' /C calc'!A0"
    assert ok["created_at"].endswith("Z") and ok["actor"] == "editor-user"


def test_each_export_is_recorded_with_query_string_rows_and_user(
    catalogue, viewer_client, viewer_user
):
    query = "country=fr&sort=-name&excel=1"
    body = body_of(viewer_client.get("/connectors/export.csv?" + query))
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    rows = body.count(b"\r\n") - 1
    assert entry.details == {"report": "connectors", "query_string": query, "row_count": rows}
    assert entry.actor == viewer_user and entry.actor_role == "viewer"
    assert entry.outcome == Outcome.SUCCEEDED and entry.created_at is not None
    body_of(viewer_client.get("/connectors/sources.csv?q=bnp"))
    latest = AuditEntry.objects.order_by("-seq").first()
    assert latest.details["report"] == "sources" and latest.details["query_string"] == "q=bnp"


def test_client_gone_mid_stream_records_what_was_sent(catalogue, viewer_user, rf):
    # Straight to the view, as the WSGI handler would call it: the test client's own wrapper
    # around streamed responses would close the response itself.
    request = rf.get("/connectors/export.csv")
    request.user = viewer_user
    response = connectors_csv(request)
    chunks = iter(response.streaming_content)
    # The header, then two chunks of 100 rows; a chunk counts once the server, done writing
    # it, asks for the next one: here only the first.
    next(chunks), next(chunks), next(chunks)
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()  # not finished yet
    _server_closes(response)  # what the server does when the client disconnects
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["row_count"] == 100 and entry.details["complete"] is False
    assert entry.actor == viewer_user
    _server_closes(response)
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


def _server_closes(response) -> None:
    """``response.close()``, keeping the test's database connection open as the test client
    does (on request_finished Django closes it, and with it the test's transaction)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_refused_export_is_not_recorded_as_an_export(catalogue, make_user):
    client = Client()
    client.force_login(make_user(None))
    assert client.get("/connectors/export.csv").status_code == 403
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()
