"""The provider's endpoints come from its discovery document, checked against our flow."""

import pytest

from accounts.oidc import discovery
from accounts.oidc.discovery import DiscoveryError, metadata_parse, provider_metadata

ISSUER = "https://idp.acme.example/realms/staff"
GOOD = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
    "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
    "userinfo_endpoint": f"{ISSUER}/protocol/openid-connect/userinfo",
    "jwks_uri": f"{ISSUER}/protocol/openid-connect/certs",
    "response_types_supported": ["code", "id_token", "code id_token"],
    "id_token_signing_alg_values_supported": ["PS256", "RS256", "ES256"],
    "code_challenge_methods_supported": ["plain", "S256"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
}


def test_a_real_provider_is_discovered(oidc_provider):
    metadata = provider_metadata()
    assert metadata.issuer == oidc_provider.url
    assert metadata.authorization_endpoint == f"{oidc_provider.url}/oauth2/authorize"
    assert metadata.token_endpoint == f"{oidc_provider.url}/oauth2/token"
    assert metadata.userinfo_endpoint == f"{oidc_provider.url}/userinfo"
    assert metadata.jwks_uri == f"{oidc_provider.url}/jwks"
    assert metadata.token_auth_basic  # it names no method: the specification's default


def test_the_document_is_read_once_an_hour(oidc_provider, monkeypatch):
    first = provider_metadata()
    reads = []
    monkeypatch.setattr(discovery, "metadata_fetch", lambda issuer: reads.append(issuer))
    assert provider_metadata() is first
    assert reads == []
    monkeypatch.setattr(discovery.time, "monotonic", lambda: 10**9)
    with pytest.raises(DiscoveryError):  # past the hour it is read again (here: None)
        provider_metadata()
    assert reads == [oidc_provider.url]


def test_an_unreachable_provider_is_a_discovery_error(settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    discovery.metadata_cache_clear()
    with pytest.raises(DiscoveryError, match="could not read http://127.0.0.1:9/.well-known/"):
        provider_metadata()


def test_a_good_document():
    metadata = metadata_parse(GOOD, issuer=ISSUER)
    assert metadata.token_endpoint == GOOD["token_endpoint"]
    assert not metadata.token_auth_basic  # it offers only the secret in the body


def test_userinfo_is_optional():
    document = {k: v for k, v in GOOD.items() if k != "userinfo_endpoint"}
    assert metadata_parse(document, issuer=ISSUER).userinfo_endpoint is None


def test_pkce_need_not_be_listed():
    document = {k: v for k, v in GOOD.items() if k != "code_challenge_methods_supported"}
    assert metadata_parse(document, issuer=ISSUER).issuer == ISSUER


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"issuer": ISSUER + "/"}, "says its issuer is"),
        ({"issuer": "https://evil.example"}, "says its issuer is"),
        ({"token_endpoint": None}, "has no token_endpoint"),
        ({"jwks_uri": "/certs"}, "has no jwks_uri"),
        ({"authorization_endpoint": "http://idp.acme.example/auth"}, "not https://"),
        ({"userinfo_endpoint": "http://idp.acme.example/userinfo"}, "not https://"),
        ({"userinfo_endpoint": 42}, "userinfo_endpoint is not a URL"),
        ({"id_token_signing_alg_values_supported": ["HS256"]}, "RS256"),
        ({"id_token_signing_alg_values_supported": None}, "RS256"),
        ({"response_types_supported": ["id_token"]}, "authorization code"),
        ({"code_challenge_methods_supported": ["plain"]}, "S256"),
    ],
)
def test_documents_that_are_refused(changes, why):
    document = {**GOOD, **changes}
    with pytest.raises(DiscoveryError, match=why):
        metadata_parse(document, issuer=ISSUER)


def test_not_an_object_is_refused():
    with pytest.raises(DiscoveryError, match="not a JSON object"):
        metadata_parse(["issuer"], issuer=ISSUER)
