"""A change request is acted on under its own domain, wherever the action comes from: the
request lists (which span every domain, with no /d/ prefix) and the worker (no domain at all).
The role checked, Powens re-read and the records filed are the request's domain's."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from accounts.roles import domain_group, domain_roles_setup
from audit.models import Action, AuditEntry
from connectors_ui.domains.context import domain_scope
from governance.models import ChangeRequest
from governance.requests import change_request_apply, change_request_approve, change_requests_expire
from governance.schedules import scheduled_steps_run_due
from notify.models import WebhookMessage
from sandbox.backend import get_connector, set_connector_hidden
from sandbox.domains import sandbox_domain_scope
from tests.fixtures.domains import PRODUCTION, SANDBOX
from tests.governance.conftest import at, propose_disable
from tests.notify.helpers import endpoint_new

HOUR = timedelta(hours=1)


@pytest.fixture
def on_production(two_small_domains, editor_user, settings):
    """An open request, proposed on production (which needs approval), and its connector."""
    settings.CHANGE_APPROVAL_POLICY = {PRODUCTION: "approval"}
    connector = two_small_domains[PRODUCTION][0]
    with domain_scope(PRODUCTION):
        request = propose_disable(editor_user, connector)
    assert request.status == ChangeRequest.Status.OPEN
    return request, connector


def _hidden(domain: str, uuid: str) -> bool:
    with sandbox_domain_scope(domain):
        return get_connector(uuid)["hidden"]


def test_a_viewer_on_production_cannot_approve_its_request_from_the_plain_list(
    on_production, make_user, client
):
    request, _ = on_production
    domain_roles_setup([SANDBOX, PRODUCTION])
    mixed = make_user(None, username="sandbox-editor")
    for role, domain in (("editor", SANDBOX), ("viewer", PRODUCTION)):
        mixed.groups.add(Group.objects.get(name=domain_group(role, domain)))
    client.force_login(mixed)
    answer = client.post(f"/changes/requests/{request.pk}/approve/", {"reason": "fine"})
    request.refresh_from_db()
    assert (answer.status_code, request.status) == (403, ChangeRequest.Status.OPEN)


def test_applying_rereads_the_requests_domain_not_the_default_one(on_production, make_user):
    request, connector = on_production
    approver = make_user("editor", username="approver")
    change_request_approve(actor=approver, change=request, request_meta=None)
    with sandbox_domain_scope(SANDBOX):  # only the sandbox's copy of it changed
        set_connector_hidden(connector["uuid"], True)
    change_request_apply(actor=approver, change=request, request_meta=None)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPLIED
    assert _hidden(PRODUCTION, connector["uuid"]) is True
    assert {e.domain for e in AuditEntry.objects.filter(details__change_request=request.pk)} == {
        PRODUCTION
    }


def test_the_worker_files_a_production_steps_record_under_production(
    two_small_domains, editor_user
):
    connector = two_small_domains[PRODUCTION][0]
    endpoint_new("https://siem.test/prod", event_types=[Action.STEP_RUN.value], domain=PRODUCTION)
    with domain_scope(PRODUCTION):
        request = propose_disable(editor_user, connector, schedule=at(HOUR))
    [ran] = scheduled_steps_run_due(now=request.steps.get().due_at)
    assert ran.status == "done"
    assert (_hidden(PRODUCTION, connector["uuid"]), _hidden(SANDBOX, connector["uuid"])) == (
        True,
        False,
    )
    assert AuditEntry.objects.get(action=Action.STEP_RUN).domain == PRODUCTION
    assert WebhookMessage.objects.filter(event_type=Action.STEP_RUN.value).count() == 1


def test_the_worker_files_a_production_expiry_under_production(on_production):
    request, _ = on_production
    assert change_requests_expire(now=request.expires_at + HOUR) == 1
    assert AuditEntry.objects.get(action=Action.REQUEST_EXPIRE).domain == PRODUCTION


def test_a_requests_page_opens_on_its_domain(on_production, viewer_client):
    """Linked from the plain list, production's request is shown as production: its bar and
    its domain switcher, not the sandbox's."""
    request, _ = on_production
    answer = viewer_client.get(f"/changes/requests/{request.pk}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/d/{PRODUCTION}/changes/requests/{request.pk}/"
    page = viewer_client.get(answer["Location"]).content.decode()
    assert 'class="production-bar"' in page and f"domain {PRODUCTION}" in page
