"""Whatever JSON sits in a connector's properties, parsing keeps the connector (or, for a
structurally broken payload, raises only PowensMalformedResponse)."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors_ui.powens.errors import PowensMalformedResponse
from connectors_ui.powens.types import Connector, ConnectorsList, ConnectorSource

from . import payloads

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
CONNECTOR_KEYS = [f.name for f in dataclasses.fields(Connector) if f.name not in ("uuid", "raw")]
SOURCE_KEYS = [f.name for f in dataclasses.fields(ConnectorSource) if f.name not in ("id", "raw")]
PAYMENT_KEYS = list(payloads.connector()["payment_settings"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(CONNECTOR_KEYS), json_values))
def test_any_property_values_keep_the_connector(values) -> None:
    data = payloads.connector(**values)

    connector = Connector.from_api(data)

    assert connector.uuid == payloads.UUID
    assert connector.raw is data


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(PAYMENT_KEYS), json_values),
    st.dictionaries(st.sampled_from(SOURCE_KEYS), json_values),
)
def test_any_nested_values_keep_the_connector(payment, source) -> None:
    data = payloads.connector(sources=[payloads.source(**source)])
    data["payment_settings"].update(payment)

    connector = Connector.from_api(data)

    assert [s.id for s in connector.sources] == [1271]
    assert connector.payment_settings is not None


@settings(max_examples=150, deadline=None)
@given(
    json_values
    | st.fixed_dictionaries(
        {"connectors": st.lists(json_values | st.just(payloads.minimal()), max_size=3)}
    )
)
def test_any_list_payload_parses_or_is_malformed(body) -> None:
    try:
        result = ConnectorsList.from_api(body)
    except PowensMalformedResponse:
        return
    assert all(isinstance(c, Connector) for c in result.connectors)
