"""Revert pages and ``manage.py audit_revert``: preview, confirm, the result, and the links
between the revert and the original on both audit pages."""

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from sandbox.backend import get_connector, set_connector_hidden
from tests.changes.conftest import disable, disable_batch


@pytest.fixture
def batch(editor_user, local_copy):
    result = disable_batch(editor_user, [local_copy[0]["uuid"], local_copy[1]["uuid"]])
    return result.batch_id, local_copy[0], local_copy[1]


def _reverted_batch(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_batch_page_offers_the_revert_and_the_preview_lists_each_connector(editor_client, batch):
    batch_id, bnp, ca = batch
    page = editor_client.get(f"/audit/batches/{batch_id}/").content.decode()
    assert f'href="/changes/revert/batches/{batch_id}/"' in page
    preview = editor_client.get(f"/changes/revert/batches/{batch_id}/").content.decode()
    assert "Preview revert: 2 connectors back to their state before" in preview
    assert bnp["name"] in preview and "Crédit Agricole d&#x27;Ile-de-France" in preview
    assert "<strong>2</strong> will be reverted" in preview


def test_confirming_reverts_and_both_pages_link_to_each_other(editor_client, batch):
    batch_id, bnp, ca = batch
    revert_id = _reverted_batch(
        editor_client.post("/changes/revert/apply/", {"batch": batch_id, "reason": "undo"})
    )
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert get_connector(ca["uuid"])["hidden"] is False
    result = editor_client.get(f"/changes/batch/{revert_id}/").content.decode()
    assert f'This reverts <a href="/audit/batches/{batch_id}/">' in result
    original = editor_client.get(f"/audit/batches/{batch_id}/").content.decode()
    assert f'Reverted by <a href="/audit/batches/{revert_id}/">' in original
    revert_page = editor_client.get(f"/audit/batches/{revert_id}/").content.decode()
    assert f'Reverts <a href="/audit/batches/{batch_id}/">' in revert_page
    revert_entry = AuditEntry.objects.filter(batch_id=revert_id).first()
    entry_page = editor_client.get(f"/audit/{revert_entry.details['reverts']['entry']}/")
    assert (
        f'href="/audit/{revert_entry.pk}/">entry #{revert_entry.pk}</a>'
        in entry_page.content.decode()
    )


def test_leaving_out_an_entry_and_changed_since_on_the_result(editor_client, batch):
    batch_id, bnp, ca = batch
    first, second = AuditEntry.objects.filter(batch_id=batch_id).order_by("seq")
    set_connector_hidden(ca["uuid"], False)  # changed in the Powens console
    data = {"batch": batch_id, "reason": "undo", "leave_out": [str(first.pk)]}
    revert_id = _reverted_batch(editor_client.post("/changes/revert/apply/", data))
    assert get_connector(bnp["uuid"])["hidden"] is True  # left out
    page = editor_client.get(f"/changes/batch/{revert_id}/").content.decode()
    assert "Changed since, skipped" in page


def test_a_single_entry_without_a_reason_is_refused_on_the_preview(editor_client, editor_user, bnp):
    entry = disable(editor_user, bnp).entry
    assert (
        'href="/changes/revert/entries/'
        in editor_client.get(f"/audit/{entry.pk}/").content.decode()
    )
    response = editor_client.post("/changes/revert/apply/", {"entry": entry.pk, "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "A reason is required for every change." in html
    assert get_connector(bnp["uuid"])["hidden"] is True
    _reverted_batch(
        editor_client.post("/changes/revert/apply/", {"entry": entry.pk, "reason": "x"})
    )
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert "Reverted by" in editor_client.get(f"/audit/{entry.pk}/").content.decode()


def test_viewers_see_no_revert_button_and_cannot_preview(viewer_client, batch):
    batch_id = batch[0]
    assert (
        "Revert this batch" not in viewer_client.get(f"/audit/batches/{batch_id}/").content.decode()
    )
    assert viewer_client.get(f"/changes/revert/batches/{batch_id}/").status_code == 403


def test_an_unknown_batch_is_404(editor_client, db):
    assert (
        editor_client.get(
            "/changes/revert/batches/00000000-0000-4000-8000-000000000000/"
        ).status_code
        == 404
    )


def test_the_command_prints_the_preview_asks_and_refuses_without_a_reason(
    batch, editor_user, monkeypatch
):
    batch_id, bnp, _ = batch
    with pytest.raises(CommandError, match="A reason is required"):
        call_command("audit_revert", str(batch_id), user=editor_user.username)
    monkeypatch.setattr("builtins.input", lambda prompt: "1")  # not the count
    out = io.StringIO()
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command(
            "audit_revert", str(batch_id), reason="undo", user=editor_user.username, stdout=out
        )
    assert "Will revert 2:" in out.getvalue() and "disabled -> enabled" in out.getvalue()
    assert get_connector(bnp["uuid"])["hidden"] is True
    call_command(
        "audit_revert",
        str(batch_id),
        reason="undo",
        yes=True,
        user=editor_user.username,
        stdout=out,
    )
    assert "2 succeeded" in out.getvalue()
    assert get_connector(bnp["uuid"])["hidden"] is False
