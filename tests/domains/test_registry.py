"""Which domains exist: POWENS_DOMAINS, else the single-domain settings, else the embedded
sandbox's two demo domains."""

import pytest

from connectors_ui.domains.config import DomainConfigError, domains_from_env
from connectors_ui.domains.registry import UnknownDomain, default_domain, domain_get, domains


def test_without_powens_settings_the_embedded_sandbox_serves_two_domains():
    found = domains()
    assert [(d.name, d.kind, d.embedded) for d in found] == [
        ("demo-sandbox", "sandbox", True),
        ("demo-production", "production", True),
    ]
    # The first keeps the sandbox's usual URL: one domain behaves exactly as before.
    assert found[0].base_url == "http://sandbox.powens.invalid/2.0"
    assert found[1].base_url == "http://demo-production.sandbox.powens.invalid/2.0"
    assert default_domain().name == "demo-sandbox"


def test_the_single_domain_settings_mean_one_domain(settings):
    settings.POWENS_SANDBOX = False
    settings.POWENS_DOMAIN = "acme-sandbox"
    settings.POWENS_BASE_URL = "https://acme-sandbox.biapi.pro/2.0"
    settings.POWENS_CONFIG_TOKEN = "tok-123"
    [only] = domains()
    assert (only.name, only.kind, only.base_url) == (
        "acme-sandbox",
        "sandbox",
        "https://acme-sandbox.biapi.pro/2.0",
    )
    assert only.calls_per_minute == 30  # Powens' sandbox limit, by default
    assert "tok-123" not in repr(only)


def test_an_api_url_names_its_domain_by_host_and_production_has_no_budget_of_ours(settings):
    settings.POWENS_SANDBOX = False
    settings.POWENS_DOMAIN = ""
    settings.POWENS_BASE_URL = "https://acme.example.com/2.0"
    [only] = domains()
    assert (only.name, only.kind, only.calls_per_minute) == ("acme", "production", 0)


def test_powens_domains_describes_each_domain_from_its_own_variables():
    environ = {
        "POWENS_ACME_SANDBOX_CONFIG_TOKEN": "s-tok",
        "POWENS_ACME_KIND": "production",
        "POWENS_ACME_LABEL": "Acme (live)",
        "POWENS_ACME_API_URL": "https://proxy.example.com/2.0/",
        "POWENS_ACME_CALLS_PER_MINUTE": "120",
    }
    sandbox, production = domains_from_env(["acme-sandbox", "acme"], environ)
    assert sandbox == {
        "name": "acme-sandbox",
        "label": "acme-sandbox",
        "kind": "sandbox",
        "base_url": "https://acme-sandbox.biapi.pro/2.0",
        "config_token": "s-tok",
        "calls_per_minute": 30,
    }
    assert production["label"] == "Acme (live)"
    assert production["base_url"] == "https://proxy.example.com/2.0"
    assert (production["kind"], production["calls_per_minute"]) == ("production", 120)


@pytest.mark.parametrize(
    ("names", "environ", "message"),
    [
        (["Acme"], {}, "not a domain name"),
        (["a", "a"], {}, "twice"),
        (["a"], {"POWENS_A_KIND": "staging"}, "POWENS_A_KIND"),
        (["a"], {"POWENS_A_CALLS_PER_MINUTE": "lots"}, "POWENS_A_CALLS_PER_MINUTE"),
    ],
)
def test_a_wrong_description_names_the_variable(names, environ, message):
    with pytest.raises(DomainConfigError, match=message):
        domains_from_env(names, environ)


def test_configured_domains_win(settings):
    settings.POWENS_DOMAINS = domains_from_env(["acme-sandbox", "acme"], {})
    assert [d.name for d in domains()] == ["acme-sandbox", "acme"]
    assert domain_get("acme").is_production
    with pytest.raises(UnknownDomain):
        domain_get("demo-sandbox")
