"""The domains migration on a populated database: every existing row of the local copy, its
refresh state, claims and the sandbox becomes the default domain's; nothing is lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.fixtures.database import as_owner

BEFORE = [
    ("connectors_ui", "0007_saved_views_and_previous_names"),
    ("sandbox", "0001_initial"),
]
AFTER = [
    ("connectors_ui", "0008_domain_per_copy_and_upstream_budget"),
    ("sandbox", "0002_sandbox_domains"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _populate(apps) -> None:
    now = timezone.now()
    Sync = apps.get_model("connectors_ui", "CatalogueSync")
    sync = Sync.objects.create(trigger="test", status="success", connector_count=2)
    apps.get_model("connectors_ui", "CatalogueState").objects.create(
        pk=1, version="v1", last_success=sync, last_attempt=sync
    )
    Connector = apps.get_model("connectors_ui", "CatalogueConnector")
    for number in (1, 2):
        row = Connector.objects.create(
            uuid=f"uuid-{number}", powens_id=number, name=f"Bank {number}"
        )
        apps.get_model("connectors_ui", "CatalogueSource").objects.create(
            connector=row, source_id=10 + number, name="openapi"
        )
        apps.get_model("connectors_ui", "CatalogueChange").objects.create(
            sync=sync, connector=row, kind="added", summary="new connector"
        )
    apps.get_model("connectors_ui", "ChangeClaim").objects.create(
        target="uuid-1", token="t", claimed_at=now, expires_at=now
    )
    sandbox = apps.get_model("sandbox", "SandboxConnector").objects.create(
        id=7, uuid="00000000-0000-0000-0000-000000000007", name="Bank 7"
    )
    apps.get_model("sandbox", "SandboxSource").objects.create(id=70, connector=sandbox)


@pytest.fixture
def owner():
    """Migrations run as the tables' owner (PostgreSQL with two roles, as CI runs it)."""
    with as_owner():
        yield


@pytest.mark.django_db(transaction=True)
def test_existing_rows_become_the_default_domains(owner):
    _populate(_migrate(BEFORE))
    apps = _migrate(AFTER)
    try:

        def domains(app, model):
            return list(apps.get_model(app, model).objects.values_list("domain", flat=True))

        assert domains("connectors_ui", "CatalogueConnector") == ["demo-sandbox"] * 2
        assert domains("connectors_ui", "CatalogueSync") == ["demo-sandbox"]
        assert domains("connectors_ui", "CatalogueState") == ["demo-sandbox"]
        assert domains("connectors_ui", "ChangeClaim") == ["demo-sandbox"]
        assert domains("sandbox", "SandboxConnector") == ["demo-sandbox"]
        assert apps.get_model("connectors_ui", "CatalogueSource").objects.count() == 2
        assert apps.get_model("connectors_ui", "CatalogueChange").objects.count() == 2
        assert apps.get_model("sandbox", "SandboxSource").objects.count() == 1
        # The same UUID may now exist once per domain.
        apps.get_model("connectors_ui", "CatalogueConnector").objects.create(
            domain="demo-production", uuid="uuid-1", powens_id=1_000_001, name="Bank 1"
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
