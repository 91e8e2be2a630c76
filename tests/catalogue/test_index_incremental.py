"""The search index follows our own writes without a full rebuild, in every process (issue 16).

Each process keeps its own index; a write made by another gunicorn worker reaches this one only
through the database (the state's serial, the rows' stamps). So do the writes here: nothing in
this process is told of them, and ``catalogue_index`` must find out by itself.
"""

from dataclasses import fields
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import reverse

from connectors_ui.catalogue import selectors
from connectors_ui.catalogue.mirror import (
    catalogue_apply_connector,
    catalogue_apply_connectors,
    catalogue_apply_source,
    catalogue_mark_removed,
)
from connectors_ui.catalogue.search_index import CatalogueIndex, build_index
from connectors_ui.catalogue.selectors import (
    CatalogueQuery,
    catalogue_index,
    catalogue_status,
    connector_search,
)
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.powens import get_client
from connectors_ui.powens.types import Connector
from tests.fixtures.catalogue import connector_dict

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The versions full builds were made for, from now on."""
    made: list[str] = []

    def counting(version: str, **marks: object) -> CatalogueIndex:
        made.append(version)
        return build_index(version, **marks)  # type: ignore[arg-type]

    monkeypatch.setattr(selectors, "build_index", counting)
    return made


def current() -> CatalogueIndex:
    return catalogue_index(catalogue_status())


def same_as_a_fresh_build(index: CatalogueIndex) -> None:
    fresh = build_index("fresh")
    for name in (f.name for f in fields(CatalogueIndex) if f.compare):
        if name not in {"version", "generation", "serial"}:
            assert getattr(index, name) == getattr(fresh, name), name


def hidden_total() -> int:
    return connector_search(CatalogueQuery(filters={"state": "hidden"})).total


def test_a_toggle_elsewhere_is_patched_in_not_rebuilt(small_catalogue, builds):
    before = current()
    builds.clear()
    assert hidden_total() == 1
    catalogue_apply_connector(get_client().update_connector(BNP, hidden=True))
    after = current()
    assert builds == [] and after is not before
    assert hidden_total() == 2
    assert bin(before.states["hidden"]).count("1") == 1  # a reader of the old one is unharmed
    same_as_a_fresh_build(after)


def test_a_batch_a_source_a_removal_and_a_new_connector_are_patched_in(small_catalogue, builds):
    current()
    builds.clear()
    client = get_client()
    others = [c["uuid"] for c in small_catalogue[1:4]]
    catalogue_apply_connectors([client.update_connector(uuid, hidden=True) for uuid in others])
    when = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    catalogue_apply_source(BNP, client.update_source(BNP, 101, disabled=when))
    catalogue_mark_removed(small_catalogue[4]["uuid"])
    catalogue_apply_connector(Connector.from_api(connector_dict("Banque Toute Neuve", id=77)))
    index = current()
    assert builds == []
    same_as_a_fresh_build(index)
    disabled_openapi = CatalogueQuery(filters={"source": "openapi", "source_disabled": "yes"})
    assert [row.uuid for row in connector_search(disabled_openapi).rows] == [BNP]
    found = connector_search(CatalogueQuery(q="toute neuve")).rows
    assert [row.name for row in found] == ["Banque Toute Neuve"]
    assert connector_search(CatalogueQuery(q="77")).exact is not None


def test_a_toggle_through_the_page_shows_in_the_list_without_a_rebuild(
    small_catalogue, editor_client, builds
):
    assert ">BNP Paribas<" in editor_client.get(reverse("connector_list")).content.decode()
    builds.clear()
    answer = editor_client.post(
        reverse("connector_state", args=[BNP]),
        {"enabled": "0", "seen_hidden": "0", "reason": "outage"},
    )
    assert answer.status_code in (200, 302)
    hidden = editor_client.get(reverse("connector_list"), {"state": "hidden"}).content.decode()
    assert ">BNP Paribas<" in hidden
    assert builds == []


def test_a_refresh_rebuilds_the_index(small_catalogue, builds):
    current()
    builds.clear()
    catalogue_refresh(trigger="test")
    current()
    assert len(builds) == 1


def test_a_rolled_back_write_leaves_no_trace_in_the_index(small_catalogue):
    class Abandoned(Exception):
        pass

    current()
    with pytest.raises(Abandoned), transaction.atomic():
        catalogue_apply_connector(get_client().update_connector(BNP, hidden=True))
        assert hidden_total() == 2  # read inside the write's transaction: sees it
        raise Abandoned
    assert hidden_total() == 1
    same_as_a_fresh_build(current())
