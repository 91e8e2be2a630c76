"""Governance pages: the tabs, the proposal answers (plain and htmx), and the change forms
saying they propose where the domain needs approval."""

import pytest

from audit.models import Action, AuditEntry, Outcome
from governance.models import ChangeRequest
from governance.requests import change_request_edit
from tests.governance.conftest import propose_disable

pytestmark = pytest.mark.usefixtures("approval_domain")


def test_to_approve_lists_others_requests_not_your_own(
    editor_client, editor_user, other_editor, bnp, client
):
    request = propose_disable(other_editor, bnp)
    page = editor_client.get("/changes/requests/?tab=approve")
    assert request.summary in page.content.decode()
    mine = editor_client.get("/changes/requests/?tab=mine").content.decode()
    assert "You have proposed no change." in mine
    assert 'aria-current="page">Mine' in mine


def test_the_detail_form_proposes_and_says_so(editor_client, bnp):
    page = editor_client.get(f"/connectors/{bnp['uuid']}/").content.decode()
    assert "Propose disabling (needs approval)" in page
    assert f'action="/changes/propose/{bnp["uuid"]}/"' in page
    form = {"enabled": "0", "seen_hidden": "0", "reason": "outage"}
    answer = editor_client.post(
        f"/changes/propose/{bnp['uuid']}/", form, headers={"HX-Request": "true"}
    )
    request = ChangeRequest.objects.get()
    assert answer.status_code == 200 and answer["HX-Redirect"] == f"/changes/requests/{request.pk}/"
    detail = editor_client.get(f"/changes/requests/{request.pk}/").content.decode()
    assert "proposed: it applies once another editor or an admin approves it" in detail
    assert "Approve</button>" not in detail  # not for its proposer


def test_a_refused_proposal_goes_back_with_the_message(editor_client, bnp):
    form = {"enabled": "0", "seen_hidden": "0", "reason": " "}
    answer = editor_client.post(f"/changes/propose/{bnp['uuid']}/", form)
    assert answer.status_code == 302 and answer["Location"] == f"/connectors/{bnp['uuid']}/"
    page = editor_client.get(answer["Location"]).content.decode()
    assert "A reason is required for every change." in page
    assert not ChangeRequest.objects.exists()


def test_the_batch_preview_proposes(editor_client, local_copy):
    uuids = [local_copy[0]["uuid"], local_copy[1]["uuid"]]
    preview = editor_client.post("/changes/batch/preview/", {"enabled": "0", "uuids": uuids})
    html = preview.content.decode()
    assert 'action="/changes/propose/batch/"' in html and "Propose: Disable 2 connectors" in html
    form = {"enabled": "0", "selection": ",".join(uuids), "reason": "maintenance"}
    answer = editor_client.post("/changes/propose/batch/", form)
    request = ChangeRequest.objects.get()
    assert answer["Location"] == f"/changes/requests/{request.pk}/"
    assert request.kind == "batch" and request.targets.count() == 2


def test_list_rows_propose(editor_client, local_copy):
    page = editor_client.get("/connectors/").content.decode()
    assert "Propose disabling (needs approval)" in page


def test_an_approval_from_a_page_showing_an_older_revision_is_refused(
    editor_user, other_editor, bnp, client
):
    """The approver read revision 1; its proposer rewrote the reason meanwhile (revision 2):
    approving from the old page must not approve what the approver never read."""
    request = propose_disable(editor_user, bnp)
    client.force_login(other_editor)
    page = client.get(f"/changes/requests/{request.pk}/").content.decode()
    assert '<input type="hidden" name="revision" value="1">' in page
    change_request_edit(actor=editor_user, change=request, reason="new plan", request_meta=None)
    answer = client.post(
        f"/changes/requests/{request.pk}/approve/", {"reason": "", "revision": "1"}, follow=True
    )
    request.refresh_from_db()
    assert (request.status, request.revision, request.approvals.count()) == ("open", 2, 0)
    assert "edited since you read it (now revision 2)" in answer.content.decode()
    refused = AuditEntry.objects.filter(action=Action.REQUEST_APPROVE, outcome=Outcome.REFUSED)
    assert refused.count() == 1
    client.post(f"/changes/requests/{request.pk}/approve/", {"reason": "", "revision": "2"})
    request.refresh_from_db()
    assert request.status == "approved"
