"""Roles per domain: groups ``<role>@<domain>`` give a role on one domain only, enforced by
the services (the refusal is recorded on that domain); the plain groups hold everywhere else."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import Role, domain_group, domain_roles_setup, role_of
from accounts.scope import scoped
from audit.models import AuditEntry
from sandbox.models import SandboxConnector
from tests.fixtures.domains import PRODUCTION, SANDBOX

FORM = {"enabled": "0", "seen_hidden": "0", "reason": "outage"}


@pytest.fixture
def mixed(make_user):
    """Editor on the sandbox, viewer on production (no plain role)."""
    domain_roles_setup([SANDBOX, PRODUCTION])
    user = make_user(None, username="mixed")
    user.groups.add(
        Group.objects.get(name=domain_group("editor", SANDBOX)),
        Group.objects.get(name=domain_group("viewer", PRODUCTION)),
    )
    client = Client()
    client.force_login(user)
    return user, client


def _hidden(uuid):
    return dict(SandboxConnector.all_domains.filter(uuid=uuid).values_list("domain", "hidden"))


def test_role_of_reads_the_domains_group_first(make_user, db):
    domain_roles_setup([PRODUCTION])
    user = make_user("editor", username="prod-viewer")
    user.groups.add(Group.objects.get(name=domain_group("viewer", PRODUCTION)))
    assert role_of(user, SANDBOX) == Role.EDITOR  # the plain group
    assert role_of(user, PRODUCTION) == Role.VIEWER  # the domain's own wins
    with scoped(PRODUCTION):
        assert role_of(user) == Role.VIEWER


def test_an_editor_on_the_sandbox_only_views_production(two_small_domains, mixed):
    user, client = mixed
    uuid = two_small_domains[SANDBOX][0]["uuid"]
    assert client.get(f"/d/{PRODUCTION}/connectors/").status_code == 200
    refused = client.post(f"/d/{PRODUCTION}/connectors/{uuid}/state/", FORM)
    assert refused.status_code == 403
    entry = AuditEntry.objects.latest("seq")
    assert (entry.outcome, entry.domain, entry.actor_role) == ("refused", PRODUCTION, "viewer")
    done = client.post(f"/d/{SANDBOX}/connectors/{uuid}/state/", FORM)
    assert done.status_code == 302
    entry = AuditEntry.objects.latest("seq")
    assert (entry.outcome, entry.domain, entry.actor_role) == ("pending", SANDBOX, "editor")
    assert _hidden(uuid) == {SANDBOX: True, PRODUCTION: False}


def test_promoting_to_a_domain_where_one_only_views_is_refused_and_recorded(
    two_small_domains, mixed
):
    user, client = mixed
    uuid = two_small_domains[SANDBOX][0]["uuid"]
    data = {"source": SANDBOX, "target": PRODUCTION, "disable": uuid, "reason": "x"}
    response = client.post(f"/d/{PRODUCTION}/compare/promote/apply/", data)
    assert response.status_code == 403
    entry = AuditEntry.objects.latest("seq")
    assert (entry.outcome, entry.error_code, entry.domain) == ("refused", "forbidden", PRODUCTION)
    assert _hidden(uuid)[PRODUCTION] is False


def test_no_role_on_a_domain_means_no_page_there_and_no_link_to_it(two_small_domains, make_user):
    domain_roles_setup([SANDBOX])
    user = make_user(None, username="sandbox-only")
    user.groups.add(Group.objects.get(name=domain_group("editor", SANDBOX)))
    client = Client()
    client.force_login(user)
    page = client.get(f"/d/{SANDBOX}/connectors/").content.decode()
    assert f"/d/{PRODUCTION}/" not in page
    assert client.get(f"/d/{PRODUCTION}/connectors/").status_code == 403
    assert client.get(f"/compare/?source={SANDBOX}&target={PRODUCTION}").status_code == 403
