"""``dev_setup`` (what ``make run`` runs after migrate) is idempotent and keeps data."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from connectors_ui.domains.context import domain_scope
from connectors_ui.models import CatalogueConnector
from sandbox.backend import bundled_catalogue, set_connector_hidden
from sandbox.domains import sandbox_domain_scope, sandbox_domains
from sandbox.loading import load_catalogue
from sandbox.models import SandboxConnector
from sandbox.variants import empty_demo_domains

pytestmark = pytest.mark.django_db


@override_settings(DJANGO_ENV="development")
def test_dev_setup_loads_sandbox_once_and_a_second_run_keeps_changes(capsys):
    call_command("dev_setup")
    loaded = SandboxConnector.objects.count()
    assert loaded >= 300
    assert CatalogueConnector.objects.count() > 0
    visible = SandboxConnector.objects.filter(hidden=False).first()
    set_connector_hidden(visible.uuid, True)  # a change made during the demo

    call_command("dev_setup")

    assert SandboxConnector.objects.count() == loaded
    assert SandboxConnector.objects.get(pk=visible.pk).hidden is True
    assert get_user_model().objects.filter(username__startswith="demo-").count() == 3
    printed = capsys.readouterr().out
    assert "open http://127.0.0.1:8000/" in printed
    assert "username: demo-admin" in printed


@override_settings(DJANGO_ENV="test")
def test_dev_setup_outside_development_creates_no_demo_account(capsys):
    call_command("dev_setup")
    assert not get_user_model().objects.exists()
    assert "createsuperuser" in capsys.readouterr().out


@override_settings(DJANGO_ENV="development")
def test_a_database_from_before_domains_gets_the_other_domain_and_keeps_its_changes():
    """Upgraded from one domain: the first has its catalogue (and demo changes), the second
    has nothing; ``make run`` must load the second without resetting the first."""
    load_catalogue(bundled_catalogue())
    changed = SandboxConnector.objects.filter(hidden=False).first()
    set_connector_hidden(changed.uuid, True)
    first, second = sandbox_domains()[:2]

    call_command("dev_setup")

    assert SandboxConnector.objects.get(pk=changed.pk).hidden is True
    with sandbox_domain_scope(second):
        assert SandboxConnector.objects.count() >= 300
    with domain_scope(second):
        assert CatalogueConnector.objects.count() >= 300
    assert empty_demo_domains() == [] and first != second
