"""Connectors that left the catalogue: a refresh marks them removed, hidden ones too; a change
Powens answers 404 marks the connector removed; the refresh summary counts restored ones."""

import io
import json

from django.core.management import call_command

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.models import CatalogueChange, CatalogueConnector, CatalogueState
from connectors_ui.powens.client import PowensClient

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"
BOURSO = "07d76adf-ae35-5b38-aca8-67aafba13169"  # hidden in the small catalogue
N26 = "1f6220d2-cc45-541e-b4ef-6a3c3dd92421"


def sandbox_import_replace(tmp_path, connectors):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"connectors": connectors}), encoding="utf-8")
    call_command("sandbox_import", str(path), "--replace", stdout=io.StringIO())


def test_a_hidden_connector_gone_after_sandbox_import_replace_is_marked_removed(
    small_catalogue, tmp_path, viewer_client
):
    # The new catalogue has no hidden connector at all: BoursoBank (hidden) is simply gone.
    sandbox_import_replace(tmp_path, [c for c in small_catalogue if c["uuid"] != BOURSO])
    sync = catalogue_refresh(trigger="manual")
    assert (sync.status, sync.removed_count, sync.error) == ("success", 1, "")
    bourso = CatalogueConnector.objects.get(uuid=BOURSO)
    assert bourso.removed_at is not None
    assert CatalogueChange.objects.filter(sync=sync, connector=bourso, kind="removed").exists()
    assert "BoursoBank" not in viewer_client.get("/connectors/?state=hidden").content.decode()
    assert "BoursoBank" in viewer_client.get("/connectors/?state=removed").content.decode()


def test_a_domain_that_never_listed_a_hidden_connector_keeps_the_ones_we_hid(
    small_sandbox, monkeypatch, editor_user, editor_client, viewer_client
):
    from connectors_ui.changes import connector_set_enabled

    listed = PowensClient.list_connectors

    def ignoring_all(self, **kwargs):  # a domain that drops the `all` flag, from the start
        return listed(self, **{**kwargs, "include_hidden": False})

    monkeypatch.setattr(PowensClient, "list_connectors", ignoring_all)
    catalogue_refresh(trigger="manual")
    assert not CatalogueConnector.objects.filter(uuid=BOURSO).exists()
    result = connector_set_enabled(
        actor=editor_user,
        uuid=N26,
        enabled=False,
        reason="outage",
        seen_hidden=False,
        request_meta=None,
    )
    assert result.succeeded and CatalogueConnector.objects.get(uuid=N26).hidden is True
    response = editor_client.post("/connectors/refresh/", follow=True)  # N26 is not listed now
    sync = CatalogueState.objects.get().last_success
    assert sync.removed_count == 0 and "1 hidden connector kept" in sync.error
    assert sync.error in response.content.decode()
    assert "N26" in viewer_client.get("/connectors/?state=hidden").content.decode()
    n26 = CatalogueConnector.objects.get(uuid=N26)
    assert n26.removed_at is None and n26.hidden is True
    assert CatalogueState.objects.get().lists_hidden is False


def test_the_refresh_summary_counts_restored_connectors(small_catalogue, tmp_path, editor_client):
    sandbox_import_replace(tmp_path, [c for c in small_catalogue if c["uuid"] != BNP])
    catalogue_refresh(trigger="manual")
    assert CatalogueConnector.objects.get(uuid=BNP).removed_at is not None
    sandbox_import_replace(tmp_path, small_catalogue)
    response = editor_client.post("/connectors/refresh/", follow=True)
    assert (
        "Catalogue refreshed: 7 connectors, 0 added, 0 removed, 0 changed, 1 restored."
        in response.content.decode()
    )
    sync = CatalogueState.objects.get().last_success
    assert sync.restored_count == 1 and CatalogueConnector.objects.get(uuid=BNP).removed_at is None


def test_the_refresh_command_prints_the_same_summary(small_catalogue, capsys):
    call_command("catalogue_refresh")
    assert "7 connectors, no change" in capsys.readouterr().out


def test_migration_infers_that_a_domain_lists_hidden_connectors_from_the_copy(small_catalogue):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "connectors_ui.migrations.0003_sync_restored_count_and_state_lists_hidden"
    )
    CatalogueState.objects.update(lists_hidden=False)
    bourso = CatalogueConnector.objects.get(uuid=BOURSO)
    CatalogueChange.objects.create(connector=bourso, kind="hidden", summary="by us")
    migration.lists_hidden_from_the_copy(apps, None)  # hidden by our own write: no proof
    assert CatalogueState.objects.get().lists_hidden is False
    CatalogueChange.objects.filter(connector=bourso).delete()
    migration.lists_hidden_from_the_copy(apps, None)  # listed hidden by a refresh
    assert CatalogueState.objects.get().lists_hidden is True


def test_enabling_a_connector_powens_no_longer_knows_marks_it_removed(
    small_catalogue, tmp_path, editor_client
):
    sandbox_import_replace(tmp_path, [c for c in small_catalogue if c["uuid"] != BOURSO])
    form = {"enabled": "1", "seen_hidden": "1", "reason": "customer asked"}
    response = editor_client.post(f"/connectors/{BOURSO}/state/", form, follow=True)
    page = response.content.decode()
    assert "Powens does not know this connector (any more). It is now marked removed" in page
    assert "Powens no longer lists this connector: it cannot be changed from here." in page
    bourso = CatalogueConnector.objects.get(uuid=BOURSO)
    assert bourso.removed_at is not None
    [change] = CatalogueChange.objects.filter(connector=bourso, kind="removed")
    assert change.sync is None
    again = editor_client.post(f"/connectors/{BOURSO}/state/", form, follow=True)
    [message] = [str(m) for m in again.context["messages"]]
    assert message == "Powens does not know this connector (any more)."  # marked once
    sync = catalogue_refresh(trigger="manual")  # the refresh agrees: nothing more to remove
    assert sync.removed_count == 0
