"""A revert and a promote on a domain whose policy needs approval: proposed as one change
request (what Powens showed stored, changed targets left out), approved by someone else,
applied after Powens is re-read (a target changed since refuses it), admin bypass flagged."""

import pytest

from audit.chain import chain_verify
from audit.models import Action, AuditEntry, Outcome
from connectors_ui.changes import ChangeForbidden
from connectors_ui.changes.revert import revert_execute, revert_plan
from connectors_ui.powens.client import call_count, reset_call_count
from governance.derived import change_request_propose_promote, change_request_propose_revert
from governance.models import ChangeRequest
from governance.requests import change_request_apply, change_request_approve
from sandbox.backend import get_connector, set_connector_hidden
from sandbox.domains import sandbox_domain_scope
from tests.changes.conftest import disable_batch
from tests.fixtures.domains import PRODUCTION, SANDBOX, refresh_every_domain

Status = ChangeRequest.Status


@pytest.fixture
def night_batch(editor_user, local_copy, settings):
    """BNP Paribas, Crédit Agricole and Société Générale disabled in one batch while the domain
    needed no approval; it needs it from now on."""
    uuids = [c["uuid"] for c in local_copy[:2]] + [local_copy[3]["uuid"]]
    result = disable_batch(editor_user, uuids)
    assert result.all_succeeded
    settings.CHANGE_APPROVAL_POLICY = {SANDBOX: "approval"}
    return result, uuids


def _propose_revert(actor, batch_id, **options):
    return change_request_propose_revert(
        actor=actor,
        plan=revert_plan(batch_id=str(batch_id)),
        reason=options.pop("reason", "undo the night batch"),
        confirm_count=None,
        request_meta=None,
    )


def test_a_direct_revert_is_refused_on_an_approval_domain(editor_user, night_batch):
    original, uuids = night_batch
    with pytest.raises(ChangeForbidden, match="need approval"):
        revert_execute(
            actor=editor_user,
            plan=revert_plan(batch_id=str(original.batch_id)),
            reason="undo",
            confirm_count=None,
            request_meta=None,
        )
    assert all(get_connector(uuid)["hidden"] is True for uuid in uuids)


def test_a_revert_is_proposed_approved_and_applied(editor_user, other_editor, night_batch):
    original, uuids = night_batch
    set_connector_hidden(uuids[1], False)  # re-enabled in the console: changed since
    request = _propose_revert(editor_user, original.batch_id)
    assert request.kind == ChangeRequest.Kind.REVERT and request.status == Status.OPEN
    assert request.summary.startswith("Revert 3 of batch")
    planned = {t.connector_uuid: t for t in request.targets.all()}
    assert set(planned) == {uuids[0], uuids[2]}  # the changed one left out, and said so
    assert all(t.before_off is True and t.off is False for t in planned.values())
    propose = AuditEntry.objects.get(action=Action.REQUEST_PROPOSE)
    assert propose.details["left_out"] == [
        "Crédit Agricole d'Ile-de-France: changed since, skipped"
    ]
    assert get_connector(uuids[0])["hidden"] is True  # nothing written yet

    change_request_approve(actor=other_editor, change=request, request_meta=None)
    reset_call_count()
    change_request_apply(actor=other_editor, change=request, request_meta=None)
    assert call_count() == 3  # the re-read, the batch's list call, one PATCH
    assert get_connector(uuids[0])["hidden"] is False and get_connector(uuids[2])["hidden"] is False
    originals = {
        e.connector_uuid: e.pk for e in AuditEntry.objects.filter(batch_id=original.batch_id)
    }
    writes = AuditEntry.objects.filter(action=Action.BATCH_ENABLE, outcome=Outcome.PENDING)
    assert {w.connector_uuid: w.details["reverts"] for w in writes} == {
        uuid: {"entry": originals[uuid], "batch": str(original.batch_id)}
        for uuid in (uuids[0], uuids[2])
    }
    assert all(w.details["change_request"] == request.pk for w in writes)
    assert all(w.details["approval"] == "approved by second-editor" for w in writes)
    request.refresh_from_db()
    assert request.status == Status.APPLIED and request.result["counts"] == {"succeeded": 2}
    assert chain_verify().ok


def test_a_revert_request_refuses_to_apply_if_a_target_changed(
    editor_user, other_editor, night_batch
):
    original, uuids = night_batch
    request = _propose_revert(editor_user, original.batch_id)
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    set_connector_hidden(uuids[0], False)  # changed after the proposal
    with pytest.raises(Exception, match="Changed since it was proposed"):
        change_request_apply(actor=other_editor, change=request, request_meta=None)
    assert get_connector(uuids[2])["hidden"] is True  # nothing written
    assert not AuditEntry.objects.filter(action=Action.BATCH_ENABLE).exists()


def test_an_admin_may_apply_a_revert_without_approval(editor_user, admin_user, night_batch):
    original, uuids = night_batch
    request = _propose_revert(editor_user, original.batch_id)
    change_request_apply(
        actor=admin_user, change=request, bypass_reason="bank hotline down", request_meta=None
    )
    request.refresh_from_db()
    assert request.bypassed and all(get_connector(u)["hidden"] is False for u in uuids)
    writes = AuditEntry.objects.filter(action=Action.BATCH_ENABLE)
    assert writes.count() == 3 and all(w.details["approval"] == "bypassed" for w in writes)


def test_a_revert_is_proposed_from_its_preview_page(editor_client, night_batch):
    original, uuids = night_batch
    page = editor_client.get(f"/changes/revert/batches/{original.batch_id}/").content.decode()
    assert 'action="/changes/propose/revert/"' in page
    assert "Propose: Revert 3 connectors (needs approval)" in page
    answer = editor_client.post(
        "/changes/propose/revert/",
        {"batch": str(original.batch_id), "reason": "undo", "leave_out": []},
    )
    request = ChangeRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/changes/requests/{request.pk}/"
    assert request.targets.count() == 3 and request.kind == ChangeRequest.Kind.REVERT
    detail = editor_client.get(answer["Location"]).content.decode()
    assert "Revert 3 of batch" in detail
    first = AuditEntry.objects.filter(batch_id=original.batch_id).order_by("seq").first()
    assert f'<a href="/audit/{first.pk}/">entry #{first.pk}</a>' in detail


def _production_hidden(uuids):
    with sandbox_domain_scope(PRODUCTION):
        from sandbox.models import SandboxConnector

        return dict(SandboxConnector.objects.filter(uuid__in=uuids).values_list("uuid", "hidden"))


def test_a_promote_to_an_approval_domain_is_proposed_then_applied(
    two_small_domains, editor_user, other_editor, settings
):
    connectors = two_small_domains[SANDBOX]
    enable, disable = connectors[2]["uuid"], connectors[0]["uuid"]  # Bourso hidden, BNP not
    with sandbox_domain_scope(PRODUCTION):
        set_connector_hidden(disable, True)  # production differs: BNP disabled there
        set_connector_hidden(enable, False)  # and BoursoBank enabled
    settings.CHANGE_APPROVAL_POLICY = {SANDBOX: "approval"}
    request = change_request_propose_promote(
        actor=editor_user,
        source=PRODUCTION,
        target=SANDBOX,
        enable=[enable],
        disable=[disable],
        reason="align",
        confirm_count=None,
        request_meta=None,
    )
    assert request.kind == ChangeRequest.Kind.PROMOTE and request.status == Status.OPEN
    assert request.domain == SANDBOX and request.targets.count() == 2
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    change_request_apply(actor=other_editor, change=request, request_meta=None)
    assert get_connector(enable)["hidden"] is False and get_connector(disable)["hidden"] is True
    writes = AuditEntry.objects.filter(
        action__in=[Action.BATCH_ENABLE, Action.BATCH_DISABLE], outcome=Outcome.PENDING
    )
    assert {w.connector_uuid for w in writes} == {enable, disable}
    assert all(w.details["promoted_from"] == PRODUCTION for w in writes)
    assert all(w.details["change_request"] == request.pk for w in writes)


def test_a_promote_is_proposed_from_its_preview_page(two_small_domains, editor_client, settings):
    settings.CHANGE_APPROVAL_POLICY = {PRODUCTION: "approval"}
    bnp = two_small_domains[SANDBOX][0]["uuid"]
    set_connector_hidden(bnp, True)  # disabled on the sandbox, enabled on production
    refresh_every_domain()
    form = {"source": SANDBOX, "target": PRODUCTION, "query": "", "uuids": [bnp]}
    page = editor_client.post(f"/d/{PRODUCTION}/compare/promote/preview/", form).content.decode()
    assert "changes/propose/promote/" in page and "Propose: Promote 1 connector" in page
    form = {"source": SANDBOX, "target": PRODUCTION, "disable": bnp, "reason": "align"}
    answer = editor_client.post(f"/d/{PRODUCTION}/changes/propose/promote/", form)
    request = ChangeRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{request.pk}/")
    assert (request.domain, request.kind, request.status) == (PRODUCTION, "promote", "open")
    with sandbox_domain_scope(PRODUCTION):
        assert get_connector(bnp)["hidden"] is False  # nothing written before approval


def test_a_stale_promote_says_already_so_not_changed_since_a_revert(two_small_domains, editor_user):
    """A promote's writes carry details (the domain it copies) like a revert's: its stale
    refusals still say what a batch says, not the revert's sentence."""
    from connectors_ui.compare.promote import compare_promote

    bnp = two_small_domains[SANDBOX][0]["uuid"]
    set_connector_hidden(bnp, True)  # disabled on the sandbox since its copy was read
    compare_promote(
        actor=editor_user,
        source=PRODUCTION,
        target=SANDBOX,
        enable=[],
        disable=[bnp],
        reason="align",
        confirm_count=None,
        confirm_domain=None,
        request_meta=None,
    )
    refused = AuditEntry.objects.get(connector_uuid=bnp, outcome=Outcome.REFUSED)
    assert refused.error_code == "stale"
    assert refused.error_message.startswith("Already disabled since the preview.")
