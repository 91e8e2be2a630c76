"""``/health/``: open to probes, reports app/database/Powens, leaks no configuration."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.powens import get_client
from connectors_ui.powens.client import PowensClient, call_count, reset_call_count

pytestmark = pytest.mark.django_db

UNREACHABLE_URL = "http://127.0.0.1:9/2.0"  # discard port on loopback: connection refused


@pytest.fixture(autouse=True)
def fresh_probe():
    """The Powens result is cached for 30 s; each test must probe for itself."""
    cache.clear()
    get_client.cache_clear()
    yield
    cache.clear()
    get_client.cache_clear()


def test_health_is_public_and_reports_every_check(anon_client):
    response = anon_client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"app": "ok", "database": "ok", "powens": "ok", "worker": "not_used"},
    }


@override_settings(
    POWENS_SANDBOX=False,
    POWENS_API_URL=UNREACHABLE_URL,
    POWENS_BASE_URL=UNREACHABLE_URL,
    POWENS_CONFIG_TOKEN="tok-SECRET-do-not-leak",
    POWENS_MAX_RETRIES=0,
)
def test_unreachable_powens_degrades_without_leaking_configuration(anon_client):
    response = anon_client.get("/health/")
    body = response.content.decode()
    assert response.status_code == 200  # pages still render from the local copy
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["powens"] == "unreachable"
    for secret in ("tok-SECRET-do-not-leak", "127.0.0.1:9", settings.SECRET_KEY, "sqlite"):
        assert secret not in body


def test_health_reachability_is_cached_so_probes_do_not_load_powens(anon_client):
    anon_client.get("/health/")
    reset_call_count()
    assert anon_client.get("/health/").json()["checks"]["powens"] == "ok"
    assert call_count() == 0


def test_health_answers_head_for_probes_that_use_it(anon_client):
    response = anon_client.head("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_only_answers_get_and_head(anon_client, method):
    assert getattr(anon_client, method)("/health/").status_code == 405


def test_the_probe_reads_one_known_connector_not_the_whole_catalogue(
    anon_client, small_sandbox, monkeypatch
):
    """A real domain's list is megabytes, every minute in every process: once the copy knows a
    connector, the probe reads that one back."""
    catalogue_refresh(trigger="test")
    cache.clear()
    calls: list[str] = []
    for name in ("list_connectors", "get_connector"):
        original = getattr(PowensClient, name)
        monkeypatch.setattr(PowensClient, name, _spy(calls, name, original))
    assert anon_client.get("/health/").json()["checks"]["powens"] == "ok"
    assert calls == ["get_connector"]


def test_with_an_empty_copy_the_probe_lists_the_catalogue(anon_client, small_sandbox, monkeypatch):
    calls: list[str] = []
    original = PowensClient.list_connectors
    monkeypatch.setattr(PowensClient, "list_connectors", _spy(calls, "list", original))
    assert anon_client.get("/health/").json()["checks"]["powens"] == "ok"
    assert calls == ["list"]


def _spy(calls: list[str], name: str, original):
    def spied(self, *args, **kwargs):
        calls.append(name)
        return original(self, *args, **kwargs)

    return spied
