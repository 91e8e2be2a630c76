"""A connector has the same uuid on every domain: what a page, a refresh or a plan reads
about it on one domain comes from that domain only (audit entries, schedules, Powens)."""

from datetime import timedelta

from audit.models import Action, AuditEntry
from connectors_ui.catalogue.observed import observed_changes_of
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.context import domain_scope
from connectors_ui.models import CatalogueConnector
from governance.plans import plan_read
from governance.selectors import connector_scheduled_steps
from sandbox.backend import set_connector_hidden
from sandbox.domains import sandbox_domain_scope
from tests.fixtures.domains import PRODUCTION, SANDBOX, confirmed_disable
from tests.governance.conftest import at, propose_batch, propose_disable


def _enabled(domains, count):
    return [c for c in domains[SANDBOX] if not c.get("hidden")][:count]


def _hidden_outside(domain: str, uuid: str) -> None:
    """Someone disables the connector in that domain's Powens console; its copy is refreshed."""
    with sandbox_domain_scope(domain):
        set_connector_hidden(uuid, True)
    with domain_scope(domain):
        catalogue_refresh(trigger="test")


def _observed(uuid: str) -> list[str]:
    entries = AuditEntry.objects.filter(action=Action.OBSERVED_CHANGE, connector_uuid=uuid)
    return list(entries.values_list("domain", flat=True))


def test_a_change_outside_on_production_is_not_shown_on_the_sandbox_page(two_small_domains):
    [connector] = _enabled(two_small_domains, 1)
    _hidden_outside(PRODUCTION, connector["uuid"])
    with domain_scope(PRODUCTION):
        assert len(observed_changes_of(connector["uuid"])) == 1
    with domain_scope(SANDBOX):
        assert not CatalogueConnector.objects.get(uuid=connector["uuid"]).hidden
        assert observed_changes_of(connector["uuid"]) == []


def test_our_change_on_production_does_not_explain_one_made_outside_on_the_sandbox(
    two_small_domains,
):
    [connector] = _enabled(two_small_domains, 1)
    confirmed_disable(PRODUCTION, connector)  # our own disable, on production
    _hidden_outside(SANDBOX, connector["uuid"])
    assert _observed(connector["uuid"]) == [SANDBOX]


def test_a_schedule_on_production_is_not_listed_on_the_sandbox_page(two_small_domains, editor_user):
    [connector] = _enabled(two_small_domains, 1)
    with domain_scope(PRODUCTION):
        propose_disable(editor_user, connector, schedule=at(timedelta(hours=2)))
        assert len(connector_scheduled_steps(connector["uuid"])) == 1
    with domain_scope(SANDBOX):
        assert connector_scheduled_steps(connector["uuid"]) == []


def test_a_plan_of_several_connectors_reads_its_own_domain(two_small_domains):
    first, second = (c["uuid"] for c in _enabled(two_small_domains, 2))
    with sandbox_domain_scope(PRODUCTION):
        set_connector_hidden(first, True)
    with domain_scope(PRODUCTION):
        one = plan_read([(first, None)])
        both = plan_read([(first, None), (second, None)])  # one list call, not one GET each
    assert one[(first, None)].off is True
    assert both[(first, None)].off is True and both[(second, None)].off is False


def test_a_batch_proposed_on_production_leaves_out_what_production_already_has(
    two_small_domains, editor_user, settings
):
    settings.CHANGE_APPROVAL_POLICY = {PRODUCTION: "approval"}
    first, second = (c["uuid"] for c in _enabled(two_small_domains, 2))
    with sandbox_domain_scope(PRODUCTION):
        set_connector_hidden(first, True)  # already disabled there, not on the sandbox
    with domain_scope(PRODUCTION):
        request = propose_batch(editor_user, [first, second], off=True)
    assert {t.connector_uuid: t.before_off for t in request.targets.all()} == {second: False}


def test_the_request_and_schedule_lists_name_each_rows_domain(
    two_small_domains, editor_user, make_user, settings, client
):
    """One inbox for every domain: an approver must see which domain a request would change
    before opening it, since the same connector is on both."""
    settings.CHANGE_APPROVAL_POLICY = {SANDBOX: "approval", PRODUCTION: "approval"}
    [connector] = _enabled(two_small_domains, 1)
    proposer = make_user("editor", username="proposer")
    for name in (SANDBOX, PRODUCTION):
        with domain_scope(name):
            propose_disable(proposer, connector, schedule=at(timedelta(hours=2)))
    client.force_login(editor_user)
    tag = '<span class="kind-tag domain-tag" title="Powens domain">{}</span>'
    for url in ("/changes/requests/?tab=approve", "/changes/scheduled/"):
        page = client.get(url).content.decode()
        assert tag.format(SANDBOX) in page and tag.format(PRODUCTION) in page, url
    intro = client.get("/changes/requests/").content.decode()
    assert "The list holds every domain's requests, each marked with its domain." in intro
    assert "requests listed here were proposed while it needed approval" not in intro
