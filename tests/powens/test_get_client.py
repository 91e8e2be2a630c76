"""get_client() builds the one client from settings and follows settings changes."""

import pytest

from connectors_ui.powens import get_client

from . import payloads

REAL_URL = "https://acme-sandbox.biapi.pro/2.0"


@pytest.fixture
def real_domain(settings):
    """Settings pointing at a real Powens domain (no sandbox)."""
    get_client.cache_clear()
    settings.POWENS_SANDBOX = False
    settings.POWENS_BASE_URL = REAL_URL
    settings.POWENS_CONFIG_TOKEN = "prod-config-token-abcdef"
    settings.POWENS_CONNECT_TIMEOUT = 2.5
    settings.POWENS_READ_TIMEOUT = 9.0
    settings.POWENS_MAX_RETRIES = 1
    # A sandbox domain draws on its shared budget (a table): tests/domains covers that.
    settings.POWENS_CALLS_PER_MINUTE = 0
    yield settings
    get_client.cache_clear()


def test_get_client_is_built_from_settings(real_domain, api) -> None:
    api.put(f"{REAL_URL}/connectors/{payloads.UUID}", json=payloads.connector(hidden=True))

    client = get_client()
    client.update_connector(payloads.UUID, hidden=True)

    request = api.calls[0].request
    assert request.headers["Authorization"] == "Bearer prod-config-token-abcdef"
    assert request.req_kwargs["timeout"] == (2.5, 9.0)
    assert client.max_retries == 1
    assert "prod-config-token-abcdef" not in repr(client)


def test_get_client_is_cached(real_domain) -> None:
    assert get_client() is get_client()


def test_changing_a_powens_setting_rebuilds_the_client(real_domain) -> None:
    first = get_client()

    real_domain.POWENS_BASE_URL = "https://other.biapi.pro/2.0"

    second = get_client()
    assert second is not first
    assert second.base_url == "https://other.biapi.pro/2.0"
