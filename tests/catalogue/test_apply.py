"""After our own writes, the copy reflects Powens' answer at once (no refresh needed)."""

from datetime import UTC, datetime

from connectors_ui.catalogue.mirror import catalogue_apply_connector, catalogue_apply_source
from connectors_ui.catalogue.selectors import CatalogueQuery, connector_search
from connectors_ui.models import CatalogueChange, CatalogueConnector, CatalogueSource
from connectors_ui.powens import get_client

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def test_apply_connector_updates_row_records_change_and_list(small_catalogue):
    assert connector_search(CatalogueQuery(filters={"state": "hidden"})).total == 1
    connector = get_client().update_connector(BNP, hidden=True)
    catalogue_apply_connector(connector)
    row = CatalogueConnector.objects.get(uuid=BNP)
    assert row.hidden is True and row.raw["hidden"] is True
    assert row.raw["fields"] and row.sources.count() == 3  # expanded data kept
    change = CatalogueChange.objects.get(connector=row)
    assert (change.kind, change.summary, change.sync) == ("hidden", "enabled → hidden", None)
    assert connector_search(CatalogueQuery(filters={"state": "hidden"})).total == 2


def test_apply_source_updates_source_and_filters(small_catalogue):
    assert (
        connector_search(
            CatalogueQuery(filters={"source": "openapi", "source_disabled": "yes"})
        ).total
        == 0
    )
    when = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    source = get_client().update_source(BNP, 101, disabled=when)
    catalogue_apply_source(BNP, source)
    row = CatalogueSource.objects.get(source_id=101)
    assert row.disabled and row.disabled_at == when and row.priority == 0
    connector = CatalogueConnector.objects.get(uuid=BNP)
    assert [s["id"] for s in connector.raw["sources"]] == [101, 102, 103]
    change = CatalogueChange.objects.get(connector=connector)
    assert (change.kind, change.summary) == ("sources", "openapi #101 disabled")
    result = connector_search(
        CatalogueQuery(filters={"source": "openapi", "source_disabled": "yes"})
    )
    assert [r.uuid for r in result.rows] == [BNP]


def test_apply_source_of_unknown_connector_is_ignored(small_catalogue):
    source = get_client().get_source(BNP, 101)
    catalogue_apply_source("00000000-0000-0000-0000-000000000000", source)
    assert not CatalogueChange.objects.exists()


def test_apply_connector_not_yet_in_the_copy_adds_it(small_sandbox, db):
    catalogue_apply_connector(get_client().get_connector(BNP, expand=("sources",)))
    row = CatalogueConnector.objects.get(uuid=BNP)
    assert row.sources.count() == 3 and CatalogueChange.objects.get(connector=row).kind == "added"
