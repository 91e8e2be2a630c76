"""Reverting a source change: back to the source's exact before-state (a disabled date too),
only while it still shows what the change left; from the service, the page and the command,
and, on a domain that needs approval, through a change request."""

import pytest
from django.core.management import call_command

from audit.chain import chain_verify
from audit.models import Action, AuditEntry, Outcome
from connectors_ui.changes import source_set_enabled
from connectors_ui.changes.revert import revert_execute, revert_plan, revert_preview
from governance.derived import change_request_propose_revert
from governance.requests import change_request_apply, change_request_approve
from sandbox.backend import get_source, set_source_disabled
from tests.changes.conftest import disable

DIRECTACCESS_DISABLED = "2024-03-01 09:12:44"  # BNP's source 102, disabled in the fixture


def _revert(actor, entry_id):
    return revert_execute(
        actor=actor,
        plan=revert_plan(entry_ids=[entry_id]),
        reason="undo",
        confirm_count=None,
        request_meta=None,
    )


def _enable_directaccess(actor, bnp):
    return source_set_enabled(
        actor=actor,
        uuid=bnp["uuid"],
        source_id=102,
        enabled=True,
        reason="try it again",
        seen_disabled=True,
        request_meta=None,
    )


def test_reverting_a_source_disable_enables_it_again(editor_user, bnp):
    change = disable(editor_user, bnp, 101)
    plan = revert_plan(entry_ids=[change.entry.pk])
    [target] = revert_preview(plan).will_revert
    assert (target.source_id, target.off, target.after_off) == (101, False, True)
    result = _revert(editor_user, change.entry.pk)
    assert result.all_succeeded and result.batch_id is None
    assert get_source(bnp["uuid"], 101)["disabled"] is None
    write = AuditEntry.objects.get(pk=result.entry_ids[0])
    assert (write.action, write.source_id) == (Action.SOURCE_ENABLE, 101)
    assert write.details["reverts"] == {"entry": change.entry.pk}
    assert chain_verify().ok


def test_reverting_a_source_enable_restores_its_exact_disabled_date(editor_user, bnp):
    change = _enable_directaccess(editor_user, bnp)
    assert get_source(bnp["uuid"], 102)["disabled"] is None
    result = _revert(editor_user, change.entry.pk)
    assert result.all_succeeded
    assert get_source(bnp["uuid"], 102)["disabled"] == DIRECTACCESS_DISABLED
    write = AuditEntry.objects.get(pk=result.entry_ids[0])
    assert write.after == {"disabled": DIRECTACCESS_DISABLED}


def test_a_source_changed_since_is_skipped(editor_user, bnp):
    change = disable(editor_user, bnp, 101)
    set_source_disabled(bnp["uuid"], 101, None)  # re-enabled in the Powens console
    result = _revert(editor_user, change.entry.pk)
    [item] = result.items
    assert item.outcome == Outcome.REFUSED and item.message.startswith("Changed since, skipped")
    assert AuditEntry.objects.get(pk=result.entry_ids[0]).error_code == "stale"
    assert get_source(bnp["uuid"], 101)["disabled"] is None


def test_the_page_previews_and_reverts_a_source_change(editor_user, editor_client, bnp):
    change = disable(editor_user, bnp, 101)
    entry_page = editor_client.get(f"/audit/{change.entry.pk}/").content.decode()
    assert f"/changes/revert/entries/{change.entry.pk}/" in entry_page
    preview = editor_client.get(f"/changes/revert/entries/{change.entry.pk}/").content.decode()
    assert "Preview revert: 1 source back to its state before" in preview
    assert "source openapi of" in preview and "Revert 1 source" in preview
    answer = editor_client.post(
        "/changes/revert/apply/", {"entry": change.entry.pk, "reason": "undo the outage"}
    )
    revert = AuditEntry.objects.get(action=Action.SOURCE_ENABLE)
    assert answer.status_code == 302 and answer["Location"] == f"/audit/{revert.pk}/"
    assert get_source(bnp["uuid"], 101)["disabled"] is None


def test_the_command_reverts_a_source_change(editor_user, bnp, capsys):
    change = disable(editor_user, bnp, 101)
    call_command(
        "audit_revert", str(change.entry.pk), reason="undo", yes=True, user=editor_user.username
    )
    out = capsys.readouterr().out
    assert "source openapi of BNP Paribas: disabled -> enabled" in out
    assert "1 succeeded" in out
    assert get_source(bnp["uuid"], 101)["disabled"] is None


def test_a_source_revert_request_restores_the_exact_date(editor_user, other_editor, bnp, settings):
    change = _enable_directaccess(editor_user, bnp)
    settings.CHANGE_APPROVAL_POLICY = {"demo-sandbox": "approval"}
    request = change_request_propose_revert(
        actor=editor_user,
        plan=revert_plan(entry_ids=[change.entry.pk]),
        reason="it fails again",
        confirm_count=None,
        request_meta=None,
    )
    [planned] = request.targets.all()
    assert (planned.source_id, planned.before_off, planned.off) == (102, False, True)
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    change_request_apply(actor=other_editor, change=request, request_meta=None)
    assert get_source(bnp["uuid"], 102)["disabled"] == DIRECTACCESS_DISABLED
    write = AuditEntry.objects.get(action=Action.SOURCE_DISABLE)
    assert write.details["reverts"] == {"entry": change.entry.pk}
    assert write.details["change_request"] == request.pk


@pytest.fixture
def other_editor(make_user):
    return make_user("editor", username="second-editor")
