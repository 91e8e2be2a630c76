"""Each endpoint (E1-E8): the exact request sent and the typed result returned."""

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors_ui.powens.client import PowensClient
from connectors_ui.powens.errors import PowensNotFound
from connectors_ui.powens.types import Connector, ConnectorSource

from . import payloads
from .conftest import BASE, TOKEN

UUID = payloads.UUID
JAN_2 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def sent(api: responses.RequestsMock, index: int = 0):
    """(method, path, query dict, json body or None, headers, timeout) of one recorded call."""
    request = api.calls[index].request
    url = urlsplit(request.url)
    body = json.loads(request.body) if request.body else None
    query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    return request.method, url.path, query, body, request.headers, request.req_kwargs["timeout"]


def test_list_connectors_plain_get_without_auth(api, client: PowensClient) -> None:
    api.get(f"{BASE}/connectors", json={"connectors": [payloads.minimal()], "total": 1})

    result = client.list_connectors()

    method, path, query, body, headers, timeout = sent(api)
    assert (method, path, query, body) == ("GET", "/2.0/connectors", {}, None)
    assert "Authorization" not in headers
    assert timeout == (1.5, 7.0)
    assert result.total == 1
    assert [c.uuid for c in result.connectors] == [payloads.BNP]


def test_list_connectors_sends_every_filter(api, client: PowensClient) -> None:
    api.get(f"{BASE}/connectors", json={"connectors": [payloads.connector()], "total": 1})

    result = client.list_connectors(
        expand=["fields", "sources", "countries"],
        country_codes=["fr", "de"],
        id_payment=7,
        include_hidden=True,
    )

    _, _, query, _, headers, _ = sent(api)
    assert query == {
        "expand": "fields,sources,countries",
        "country_codes": "fr,de",
        "id_payment": "7",
        "all": "true",
    }
    assert "Authorization" not in headers
    connector = result.connectors[0]
    assert [f.name for f in connector.fields] == ["login", "website"]
    assert [s.id for s in connector.sources] == [1271, 88]
    assert [c.id for c in connector.countries] == ["fr"]


def test_get_connector_by_uuid_with_expand(api, client: PowensClient) -> None:
    api.get(f"{BASE}/connectors/{UUID}", json=payloads.connector())

    connector = client.get_connector(UUID, expand=("sources",))

    method, path, query, _, headers, timeout = sent(api)
    assert (method, path, query) == ("GET", f"/2.0/connectors/{UUID}", {"expand": "sources"})
    assert "Authorization" not in headers
    assert timeout == (1.5, 7.0)
    assert connector.uuid == UUID
    assert connector.name == "Connecteur de test"


def test_get_connector_accepts_integer_id(api, client: PowensClient) -> None:
    api.get(f"{BASE}/connectors/40", json=payloads.connector())

    assert client.get_connector(40).id == 40
    assert sent(api)[1] == "/2.0/connectors/40"


def test_path_segments_are_quoted(api, client: PowensClient) -> None:
    """A hostile reference cannot walk to another route."""
    api.get(f"{BASE}/connectors/..%2Fusers%3Fx", status=404, json={"code": "notFound"})

    with pytest.raises(PowensNotFound):
        client.get_connector("../users?x")

    assert sent(api)[1] == "/2.0/connectors/..%2Fusers%3Fx"


def test_update_connector_puts_hidden_with_bearer(api, client: PowensClient) -> None:
    api.put(f"{BASE}/connectors/{UUID}", json=payloads.connector(hidden=True))

    connector = client.update_connector(UUID, hidden=True)

    method, path, query, body, headers, timeout = sent(api)
    assert (method, path, query, body) == ("PUT", f"/2.0/connectors/{UUID}", {}, {"hidden": True})
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"] == "application/json"
    assert timeout == (1.5, 7.0)
    assert isinstance(connector, Connector)
    assert connector.hidden is True


def test_update_connector_refuses_non_bool(api, client: PowensClient) -> None:
    with pytest.raises(TypeError):
        client.update_connector(UUID, hidden="false")  # type: ignore[arg-type]
    assert len(api.calls) == 0


def test_update_connector_sends_sync_periodicity_only_when_given(api, client) -> None:
    api.put(f"{BASE}/connectors/{UUID}", json=payloads.connector())
    api.put(f"{BASE}/connectors/{UUID}", json=payloads.connector(hidden=True))

    client.update_connector(UUID, sync_periodicity=24)
    client.update_connector(UUID, hidden=True, sync_periodicity=0.5)

    bodies = [json.loads(call.request.body) for call in api.calls]
    assert bodies == [{"sync_periodicity": 24}, {"hidden": True, "sync_periodicity": 0.5}]


@pytest.mark.parametrize("value", ["24", True, float("nan"), None])
def test_update_connector_refuses_a_non_number_sync_periodicity(api, client, value) -> None:
    with pytest.raises(TypeError):
        client.update_connector(UUID, sync_periodicity=value)
    assert len(api.calls) == 0


def test_update_connector_with_nothing_to_change_sends_nothing(api, client) -> None:
    with pytest.raises(ValueError, match="hidden or sync_periodicity"):
        client.update_connector(UUID)
    assert len(api.calls) == 0


def test_batch_update_patches_body_keyed_by_uuid(api, client: PowensClient) -> None:
    api.patch(
        f"{BASE}/connectors",
        json={"connectors": [payloads.connector(hidden=True), payloads.minimal(hidden=False)]},
    )

    updates = {UUID: {"hidden": True}, payloads.BNP: {"hidden": False}}

    result = client.batch_update_connectors(updates)

    method, path, _, body, headers, _ = sent(api)
    assert (method, path) == ("PATCH", "/2.0/connectors")
    assert body == updates
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert [(c.uuid, c.hidden) for c in result] == [(UUID, True), (payloads.BNP, False)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"body": ""}, ()),
        ({"json": {}}, ()),
        ({"json": payloads.connector(hidden=True)}, (UUID,)),
        ({"json": [payloads.minimal()]}, (payloads.BNP,)),
    ],
    ids=["empty", "empty-object", "one-connector", "bare-list"],
)
def test_batch_update_accepts_every_documented_answer(api, client, answer, expected) -> None:
    api.patch(f"{BASE}/connectors", **answer)

    result = client.batch_update_connectors({UUID: {"hidden": True}})

    assert tuple(c.uuid for c in result) == expected


def test_batch_update_with_nothing_to_do_makes_no_call(api, client: PowensClient) -> None:
    assert client.batch_update_connectors({}) == ()
    assert client.update_connectors_by_ids([], hidden=True) == ()
    assert len(api.calls) == 0


def test_update_by_ids_puts_comma_joined_ids(api, client: PowensClient) -> None:
    api.put(f"{BASE}/connectors/40,41", json={"connectors": [payloads.connector()], "total": 1})

    result = client.update_connectors_by_ids([40, 41], hidden=False)

    method, path, _, body, headers, _ = sent(api)
    assert (method, path, body) == ("PUT", "/2.0/connectors/40,41", {"hidden": False})
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert [c.id for c in result] == [40]


def test_update_by_ids_refuses_non_integer_ids(api, client: PowensClient) -> None:
    with pytest.raises(TypeError):
        client.update_connectors_by_ids(["40,41/../x"], hidden=True)  # type: ignore[list-item]
    assert len(api.calls) == 0


def test_list_sources(api, client: PowensClient) -> None:
    api.get(
        f"{BASE}/connectors/{UUID}/sources",
        json={"sources": [payloads.source(), payloads.source_disabled()], "total": 2},
    )

    result = client.list_sources(UUID, country_codes=["fr"])

    method, path, query, _, headers, _ = sent(api)
    assert (method, path) == ("GET", f"/2.0/connectors/{UUID}/sources")
    assert query == {"country_codes": "fr"}
    assert "Authorization" not in headers
    assert result.total == 2
    assert [(s.name, s.is_disabled) for s in result.sources] == [
        ("openapi", False),
        ("directaccess", True),
    ]


def test_get_source(api, client: PowensClient) -> None:
    api.get(f"{BASE}/connectors/{UUID}/sources/88", json=payloads.source_disabled())

    source = client.get_source(UUID, 88)

    method, path, _, _, headers, _ = sent(api)
    assert (method, path) == ("GET", f"/2.0/connectors/{UUID}/sources/88")
    assert "Authorization" not in headers
    assert source.disabled == datetime(2024, 3, 1, 9, 12, 44, tzinfo=UTC)
    assert source.priority == 2


@pytest.mark.parametrize(
    ("kwargs", "expected_body"),
    [
        ({"disabled": JAN_2}, {"disabled": "2026-01-02 03:04:05"}),
        ({"disabled": None}, {"disabled": None}),
        ({"disabled": False}, {"disabled": None}),
        ({"auth_mechanism": "credentials"}, {"auth_mechanism": "credentials"}),
        (
            {"disabled": None, "auth_mechanism": "webauth"},
            {"disabled": None, "auth_mechanism": "webauth"},
        ),
    ],
)
def test_update_source_sends_only_given_fields(api, client, kwargs, expected_body) -> None:
    api.put(f"{BASE}/connectors/{UUID}/sources/88", json=payloads.source(id=88))

    source = client.update_source(UUID, 88, **kwargs)

    method, path, _, body, headers, _ = sent(api)
    assert (method, path, body) == ("PUT", f"/2.0/connectors/{UUID}/sources/88", expected_body)
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert isinstance(source, ConnectorSource)
    assert source.id == 88


def test_update_source_true_means_now_in_utc(api, client: PowensClient) -> None:
    api.put(f"{BASE}/connectors/{UUID}/sources/88", json=payloads.source_disabled())
    before = datetime.now(UTC).replace(microsecond=0)

    client.update_source(UUID, 88, disabled=True)

    sent_at = datetime.strptime(sent(api)[3]["disabled"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert before <= sent_at <= datetime.now(UTC)


def test_update_source_converts_aware_datetimes_to_utc(api, client: PowensClient) -> None:
    from zoneinfo import ZoneInfo

    api.put(f"{BASE}/connectors/{UUID}/sources/88", json=payloads.source_disabled())
    paris = datetime(2026, 7, 1, 12, 0, 0, tzinfo=ZoneInfo("Europe/Paris"))

    client.update_source(UUID, 88, disabled=paris)

    assert sent(api)[3] == {"disabled": "2026-07-01 10:00:00"}


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"disabled": datetime(2026, 1, 1)}, {"disabled": "2026-01-01"}],
    ids=["nothing", "naive", "string"],
)
def test_update_source_rejects_bad_arguments_without_calling(api, client, kwargs) -> None:
    with pytest.raises((TypeError, ValueError)):
        client.update_source(UUID, 88, **kwargs)
    assert len(api.calls) == 0
