"""The provider's endpoints, from OpenID Connect Discovery.

Read from ``<OIDC_ISSUER>/.well-known/openid-configuration`` when someone signs in, and kept
for an hour in the process: not at start-up, because a provider that is down then must not
stop the dashboard (or its local break-glass sign-in) from starting, and every
``manage.py`` command would call it. A document that does not fit what we do (another
issuer, no RS256, no authorization code, PKCE without S256) is refused with the reason.
"""

import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

CACHE_SECONDS = 3600
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The provider's metadata could not be read, or does not fit our flow."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    # Optional in Discovery: without one, the ID token's claims are all there is.
    userinfo_endpoint: str | None
    jwks_uri: str
    # Empty: the provider did not say, and the specification's default is client_secret_basic.
    token_endpoint_auth_methods: tuple[str, ...]
    raw: dict[str, Any]

    @property
    def token_auth_basic(self) -> bool:
        """Send the client secret as HTTP Basic (the default) rather than in the body."""
        methods = self.token_endpoint_auth_methods
        return not methods or "client_secret_basic" in methods


_cache: dict[str, tuple[float, ProviderMetadata]] = {}


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def provider_metadata() -> ProviderMetadata:
    """``OIDC_ISSUER``'s metadata, fetched at most once an hour per process (a failure is not
    kept: the next sign-in tries again)."""
    issuer, now = settings.OIDC_ISSUER, time.monotonic()
    cached = _cache.get(issuer)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    metadata = metadata_parse(metadata_fetch(issuer), issuer=issuer)
    _cache[issuer] = (now, metadata)
    return metadata


def metadata_cache_clear() -> None:
    _cache.clear()


def metadata_fetch(issuer: str) -> Any:
    url = discovery_url(issuer)
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryError(f"could not read {url}: {type(error).__name__}") from error


def metadata_parse(document: Any, *, issuer: str) -> ProviderMetadata:
    """Check a discovery document against OIDC Discovery 1.0 and what our flow needs."""
    if not isinstance(document, dict):
        raise DiscoveryError("the discovery document is not a JSON object")
    # Discovery §4.3: the issuer in the document must be exactly the one configured.
    if document.get("issuer") != issuer:
        raise DiscoveryError(
            f"the provider says its issuer is {document.get('issuer')!r}, not {issuer!r}"
        )
    missing = [key for key in ENDPOINTS if not _is_url(document.get(key))]
    if missing:
        raise DiscoveryError(f"the discovery document has no {', '.join(missing)}")
    userinfo = document.get("userinfo_endpoint")
    if userinfo is not None and not _is_url(userinfo):
        raise DiscoveryError("the discovery document's userinfo_endpoint is not a URL")
    if issuer.startswith("https://"):
        urls = {key: document[key] for key in ENDPOINTS} | {"userinfo_endpoint": userinfo or ""}
        plain = [key for key, url in urls.items() if url and not url.startswith("https://")]
        if plain:
            raise DiscoveryError(f"{', '.join(plain)} not https:// although the issuer is")
    if "RS256" not in _strings(document, "id_token_signing_alg_values_supported"):
        raise DiscoveryError("the provider does not sign ID tokens with RS256")
    if "code" not in _strings(document, "response_types_supported"):
        raise DiscoveryError("the provider does not offer the authorization code flow")
    # Many providers support PKCE without listing it; one that lists methods must offer S256.
    challenge_methods = _strings(document, "code_challenge_methods_supported")
    if "code_challenge_methods_supported" in document and "S256" not in challenge_methods:
        raise DiscoveryError("the provider does not offer PKCE with S256")
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        userinfo_endpoint=userinfo,
        jwks_uri=document["jwks_uri"],
        token_endpoint_auth_methods=_strings(document, "token_endpoint_auth_methods_supported"),
        raw=document,
    )


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def _strings(document: dict[str, Any], key: str) -> tuple[str, ...]:
    value = document.get(key)
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()
