"""The SIEM's pull stream (cursor by seq, service token) and the JSON Lines export."""

import json

import pytest

from audit.models import Action, AuditEntry
from notify.tokens import service_token_create, service_token_revoke
from tests.notify.helpers import export_recorded

pytestmark = pytest.mark.django_db


def _lines(response) -> list[dict]:
    return [json.loads(line) for line in response.content.decode().splitlines()]


def test_the_stream_pages_through_the_chain_by_cursor(anon_client):
    token = service_token_create(actor=None, name="siem")
    entries = [export_recorded(rows=n) for n in range(5)]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}

    first = anon_client.get("/audit/stream/?after=0&limit=3", **auth)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/x-ndjson")
    lines = _lines(first)
    assert [line["seq"] for line in lines] == [1, 2, 3]  # the token's creation, then exports
    assert first["X-Next-After"] == "3"
    assert 'after=3&limit=3>; rel="next"' in first["Link"]

    rest = _lines(anon_client.get("/audit/stream/?after=3&limit=100", **auth))
    assert [line["seq"] for line in rest] == [4, 5, 6]
    assert rest[-1]["id"] == entries[-1].pk and rest[-1]["details"]["row_count"] == 4
    assert {"record", "table", "domain", "entry_hash", "prev_hash", "mac"} <= set(rest[-1])
    assert rest[-1]["domain"] == "demo-sandbox"
    empty = anon_client.get("/audit/stream/?after=6", **auth)
    assert (empty.content, empty["X-Next-After"]) == (b"", "6")


@pytest.mark.parametrize(
    ("header", "code"),
    [("", "token_missing"), ("Bearer pca_nope", "token_unknown"), ("Basic abc", "token_missing")],
)
def test_a_bad_token_is_refused_and_audited(anon_client, header, code):
    response = anon_client.get("/audit/stream/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    refusal = AuditEntry.objects.get(action=Action.AUDIT_STREAM)
    assert (refusal.outcome, refusal.error_code) == ("refused", code)
    assert "pca_nope" not in json.dumps(refusal.details)


def test_a_revoked_token_is_refused(anon_client):
    token = service_token_create(actor=None, name="siem")
    service_token_revoke(actor=None, token=token.token)
    response = anon_client.get("/audit/stream/", HTTP_AUTHORIZATION=f"Bearer {token.secret}")
    assert response.status_code == 401
    assert AuditEntry.objects.get(action=Action.AUDIT_STREAM).error_code == "token_revoked"


def test_bad_cursor_values_get_a_clear_400(anon_client):
    token = service_token_create(actor=None, name="siem")
    response = anon_client.get(
        "/audit/stream/?after=x", HTTP_AUTHORIZATION=f"Bearer {token.secret}"
    )
    assert response.status_code == 400
    assert b"whole numbers" in response.content


def test_the_jsonl_export_follows_the_audit_page_filters(viewer_client):
    export_recorded(rows=1)
    service_token_create(actor=None, name="siem")
    response = viewer_client.get("/audit/export.jsonl?action=export")
    lines = [
        json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()
    ]
    assert [line["action"] for line in lines] == ["export"]
    assert lines[0]["current_outcome"] == "succeeded"
    recorded = AuditEntry.objects.filter(action=Action.EXPORT).order_by("-seq").first()
    assert recorded.details["report"] == "audit-jsonl" and recorded.details["row_count"] == 1


def test_the_audit_page_links_the_jsonl_export(viewer_client):
    page = viewer_client.get("/audit/?action=export").content.decode()
    assert '/audit/export.jsonl?action=export"' in page
