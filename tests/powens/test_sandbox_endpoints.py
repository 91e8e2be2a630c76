"""Every endpoint through the real client against the embedded sandbox: results and effects."""

from datetime import UTC, datetime

import pytest

from connectors_ui.powens import get_client
from connectors_ui.powens.client import call_count
from connectors_ui.powens.errors import PowensAuthError, PowensNotFound

from .conftest import sandbox_client

MISSING_UUID = "00000000-0000-5000-8000-000000000000"


def sandbox_connector(uuid: str):
    from sandbox.models import SandboxConnector

    return SandboxConnector.objects.get(uuid=uuid)


def test_e1_lists_visible_connectors_by_default(small_sandbox, sb) -> None:
    result = sb.list_connectors()

    visible = [c["uuid"] for c in small_sandbox if not c["hidden"]]
    assert small_sandbox[2]["uuid"] not in visible
    assert sorted(c.uuid for c in result.connectors) == sorted(visible)
    assert result.total == len(visible)
    assert all(c.sources is None and c.fields is None for c in result.connectors)


def test_e1_include_hidden_and_expands(small_sandbox, sb) -> None:
    result = sb.list_connectors(expand=["fields", "sources", "countries"], include_hidden=True)

    by_uuid = {c.uuid: c for c in result.connectors}
    assert sorted(by_uuid) == sorted(c["uuid"] for c in small_sandbox)
    hidden = small_sandbox[2]
    assert hidden["hidden"] is True and by_uuid[hidden["uuid"]].hidden is True
    pay = by_uuid[small_sandbox[0]["uuid"]]
    assert [s.id for s in pay.sources] == [s["id"] for s in small_sandbox[0]["sources"]]
    assert [f.name for f in pay.fields] == [f["name"] for f in small_sandbox[0]["fields"]]
    assert [k.id for k in pay.countries] == [k["id"] for k in small_sandbox[0]["countries"]]
    assert pay.payment_settings is not None
    assert call_count() == 1


def test_e1_filters_by_country(small_sandbox, sb) -> None:
    country = small_sandbox[1]["countries"][0]["id"]

    result = sb.list_connectors(country_codes=[country], include_hidden=True)

    expected = [c["uuid"] for c in small_sandbox if country in {k["id"] for k in c["countries"]}]
    assert sorted(c.uuid for c in result.connectors) == sorted(expected)
    assert 0 < len(expected) < len(small_sandbox)


def test_e2_by_uuid_and_by_integer_id(small_sandbox, sb) -> None:
    wanted = small_sandbox[2]

    by_uuid = sb.get_connector(wanted["uuid"], expand=["sources"])
    by_id = sb.get_connector(wanted["id"])

    assert (by_uuid.uuid, by_uuid.name) == (wanted["uuid"], wanted["name"])
    assert by_uuid.id == wanted["id"]
    assert by_uuid.sources is not None and by_id.sources is None
    assert by_id.uuid == wanted["uuid"]


def test_e2_unknown_connector_is_not_found(small_sandbox, sb) -> None:
    with pytest.raises(PowensNotFound) as info:
        sb.get_connector(MISSING_UUID)

    assert (info.value.status, info.value.code) == (404, "notFound")
    assert isinstance(info.value.request_id, int)


def test_e3_disables_and_enables(small_sandbox, sb) -> None:
    uuid = small_sandbox[3]["uuid"]

    assert sb.update_connector(uuid, hidden=True).hidden is True
    assert sandbox_connector(uuid).hidden is True
    assert sb.update_connector(uuid, hidden=False).hidden is False
    assert sandbox_connector(uuid).hidden is False


def test_e3_sets_the_deprecated_sync_periodicity_and_leaves_hidden_alone(small_sandbox, sb) -> None:
    uuid = small_sandbox[2]["uuid"]  # BoursoBank, hidden

    connector = sb.update_connector(uuid, sync_periodicity=12)

    assert (connector.sync_frequency, connector.hidden) == (12, True)
    assert sandbox_connector(uuid).document["sync_frequency"] == 12


def test_writes_with_a_wrong_token_are_refused(small_sandbox, sleeps) -> None:
    uuid = small_sandbox[3]["uuid"]
    client = sandbox_client(sleeps, token="not-the-config-token")

    before = sandbox_connector(uuid).hidden

    with pytest.raises(PowensAuthError) as info:
        client.update_connector(uuid, hidden=not before)

    assert (info.value.status, info.value.code) == (401, "unauthorized")
    assert sandbox_connector(uuid).hidden is before


def test_e4_batch_is_applied(small_sandbox, sb) -> None:
    a, b = small_sandbox[2]["uuid"], small_sandbox[4]["uuid"]

    result = sb.batch_update_connectors({a: {"hidden": False}, b: {"hidden": True}})

    assert {c.uuid: c.hidden for c in result} == {a: False, b: True}
    assert (sandbox_connector(a).hidden, sandbox_connector(b).hidden) == (False, True)


def test_e4_batch_with_an_unknown_uuid_changes_nothing(small_sandbox, sb) -> None:
    uuid = small_sandbox[4]["uuid"]
    before = sandbox_connector(uuid).hidden

    with pytest.raises(PowensNotFound) as info:
        sb.batch_update_connectors({uuid: {"hidden": not before}, MISSING_UUID: {"hidden": True}})

    assert (info.value.status, info.value.code) == (404, "notFound")
    assert sandbox_connector(uuid).hidden is before


def test_e5_updates_by_ids(small_sandbox, sb) -> None:
    picked = small_sandbox[5:7]

    result = sb.update_connectors_by_ids([c["id"] for c in picked], hidden=True)

    assert sorted(c.uuid for c in result) == sorted(c["uuid"] for c in picked)
    assert all(c.hidden is True for c in result)
    assert all(sandbox_connector(c["uuid"]).hidden is True for c in picked)


def test_e5_with_one_id_parses_the_single_connector_answer(small_sandbox, sb) -> None:
    """The sandbox answers one id with a Connector (POWENS_API.md §2), not a ConnectorsList."""
    wanted = small_sandbox[4]

    result = sb.update_connectors_by_ids([wanted["id"]], hidden=True)

    assert [(c.uuid, c.id, c.hidden) for c in result] == [(wanted["uuid"], wanted["id"], True)]
    assert sandbox_connector(wanted["uuid"]).hidden is True


def test_e6_and_e7_read_sources(small_sandbox, sb) -> None:
    connector = small_sandbox[1]

    listed = sb.list_sources(connector["uuid"])
    one = sb.get_source(connector["uuid"], listed.sources[0].id)

    assert sorted(s.id for s in listed.sources) == sorted(s["id"] for s in connector["sources"])
    assert listed.total == len(connector["sources"])
    assert one == listed.sources[0]
    assert one.raw == listed.sources[0].raw


def test_e7_unknown_source_is_not_found(small_sandbox, sb) -> None:
    with pytest.raises(PowensNotFound):
        sb.get_source(small_sandbox[1]["uuid"], 999_999_999)


def test_e8_disables_then_re_enables_a_source(small_sandbox, sb) -> None:
    uuid = small_sandbox[1]["uuid"]
    source_id = small_sandbox[1]["sources"][0]["id"]
    when = datetime(2026, 3, 1, 9, 12, 44, tzinfo=UTC)

    disabled = sb.update_source(uuid, source_id, disabled=when)
    assert (disabled.disabled, disabled.is_disabled) == (when, True)
    assert sb.get_source(uuid, source_id).disabled == when

    enabled = sb.update_source(uuid, source_id, disabled=None)
    assert (enabled.disabled, enabled.is_disabled) == (None, False)
    assert sb.get_source(uuid, source_id).is_disabled is False


def test_reads_see_changes_made_behind_the_apps_back(small_sandbox, sb) -> None:
    from sandbox import backend

    uuid = small_sandbox[1]["uuid"]
    source_id = small_sandbox[1]["sources"][0]["id"]
    backend.set_source_disabled(uuid, source_id, datetime(2026, 5, 5, tzinfo=UTC))
    backend.set_connector_hidden(uuid, True)

    assert sb.get_source(uuid, source_id).disabled == datetime(2026, 5, 5, tzinfo=UTC)
    assert sb.get_connector(uuid).hidden is True


def test_get_client_reaches_the_sandbox_in_process(small_sandbox, settings) -> None:
    settings.POWENS_SANDBOX = True
    settings.POWENS_BASE_URL = settings.POWENS_SANDBOX_BASE_URL
    settings.POWENS_CONFIG_TOKEN = settings.POWENS_SANDBOX_TOKEN
    uuid = small_sandbox[3]["uuid"]
    assert sandbox_connector(uuid).hidden is not True
    before = call_count()

    client = get_client()
    client.update_connector(uuid, hidden=True)

    assert client.get_connector(uuid).hidden is True
    assert sandbox_connector(uuid).hidden is True
    assert call_count() - before == 2
