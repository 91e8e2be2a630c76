"""Each domain has its own local copy, refresh state and search index; the embedded sandbox's
two domains differ as a production drifts from its sandbox; faults can target one domain."""

import pytest

from connectors_ui.catalogue.selectors import (
    CatalogueQuery,
    catalogue_status,
    connector_find,
    connector_search,
)
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.context import domain_scope
from connectors_ui.models import CatalogueConnector, CatalogueSync
from connectors_ui.powens import get_client
from sandbox.models import SandboxConnector
from tests.fixtures.domains import PRODUCTION, SANDBOX


def _copy(name):
    with domain_scope(name):
        return dict(CatalogueConnector.objects.values_list("uuid", "hidden"))


def test_each_domain_has_its_own_copy_with_its_own_ids(two_domains):
    sandbox, production = _copy(SANDBOX), _copy(PRODUCTION)
    assert len(sandbox) == len(two_domains[SANDBOX]) == 377
    assert len(production) == len(two_domains[PRODUCTION])
    shared = sandbox.keys() & production.keys()
    assert sandbox.keys() - production.keys() and production.keys() - sandbox.keys()
    assert any(sandbox[uuid] != production[uuid] for uuid in shared)
    uuid = next(iter(shared))
    ids = {}
    for name in (SANDBOX, PRODUCTION):
        with domain_scope(name):
            ids[name] = connector_find(uuid).powens_id
    assert ids[SANDBOX] != ids[PRODUCTION]  # same UUID, another integer id


def test_search_and_freshness_are_per_domain(two_domains):
    only_sandbox = next(iter(_copy(SANDBOX).keys() - _copy(PRODUCTION).keys()))
    with domain_scope(SANDBOX):
        status = catalogue_status()
        found = connector_search(CatalogueQuery(q=only_sandbox), status=status)
        assert found.total == 1
    with domain_scope(PRODUCTION):
        other = catalogue_status()
        assert connector_search(CatalogueQuery(q=only_sandbox), status=other).total == 0
    assert other.version != status.version
    assert other.last_success.pk != status.last_success.pk


def test_a_refresh_of_one_domain_leaves_the_other_alone(two_domains, faults):
    faults.inject("status", status=503, endpoint="E1", count=5, domain=PRODUCTION)
    with domain_scope(PRODUCTION):
        failed = catalogue_refresh(trigger=CatalogueSync.Trigger.TEST)
    with domain_scope(SANDBOX):
        fine = catalogue_refresh(trigger=CatalogueSync.Trigger.TEST)
    assert failed.status == "failed" and "503" in failed.error
    assert fine.status == "success"
    assert (failed.domain, fine.domain) == (PRODUCTION, SANDBOX)
    with domain_scope(PRODUCTION):
        assert catalogue_status().failed == failed


def test_a_write_goes_to_its_domain_only(two_small_domains):
    uuid = two_small_domains[SANDBOX][0]["uuid"]
    get_client(PRODUCTION).update_connector(uuid, hidden=True)
    states = dict(SandboxConnector.all_domains.filter(uuid=uuid).values_list("domain", "hidden"))
    assert states == {SANDBOX: False, PRODUCTION: True}


@pytest.mark.parametrize("name", [SANDBOX, PRODUCTION])
def test_a_fault_for_every_domain_hits_both(two_small_domains, faults, name):
    faults.inject("status", status=500, endpoint="E1", count=1)
    with domain_scope(name):
        assert catalogue_refresh(trigger=CatalogueSync.Trigger.TEST).status == "failed"


def test_the_fault_command_targets_one_domain(two_small_domains, faults):
    from django.core.management import call_command

    call_command(
        "sandbox_fault", "status", "--status", "503", "--count", "5", "--domain", PRODUCTION
    )
    with domain_scope(SANDBOX):
        assert catalogue_refresh(trigger=CatalogueSync.Trigger.TEST).status == "success"
    with domain_scope(PRODUCTION):
        assert catalogue_refresh(trigger=CatalogueSync.Trigger.TEST).status == "failed"
