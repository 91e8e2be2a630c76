"""The ID token checks the backend adds to mozilla-django-oidc's: RS256 only, signed by the
provider's key, for us (aud), from our issuer (iss), not expired, about someone (sub)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from accounts.oidc.backend import OidcBackend

ISSUER = "https://idp.acme.example"
CLIENT_ID = "powens-admin"
PROVIDER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend(settings):
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = "client-secret-used-as-an-hmac-key"
    backend = OidcBackend()
    backend.issuer = ISSUER
    return backend


def token(key=PROVIDER_KEY, algorithm="RS256", **overrides):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "u-1", "iat": now, "exp": now + 300}
    claims.update(overrides)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm)


def test_a_good_token_gives_its_claims(backend):
    claims = backend._verify_jws(token(), PROVIDER_KEY.public_key())
    assert claims["sub"] == "u-1"


def test_a_token_for_us_among_other_audiences_is_good(backend):
    claims = backend._verify_jws(token(aud=["other-app", CLIENT_ID]), PROVIDER_KEY.public_key())
    assert claims["sub"] == "u-1"


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"aud": "another-app"}, "(?i)audience"),
        ({"aud": None}, "aud"),
        ({"iss": "https://evil.example"}, "(?i)issuer"),
        ({"iss": None}, "iss"),
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"exp": None}, "exp"),
        ({"sub": None}, "sub"),
    ],
)
def test_claims_that_are_refused(backend, overrides, why):
    with pytest.raises(SuspiciousOperation, match=why):
        backend._verify_jws(token(**overrides), PROVIDER_KEY.public_key())


def test_a_minute_of_clock_difference_is_tolerated(backend):
    claims = backend._verify_jws(token(exp=int(time.time()) - 30), PROVIDER_KEY.public_key())
    assert claims["sub"] == "u-1"


def test_another_key_is_refused(backend):
    with pytest.raises(SuspiciousOperation, match="Signature"):
        backend._verify_jws(token(key=OTHER_KEY), PROVIDER_KEY.public_key())


def test_hs256_with_the_client_secret_is_refused(backend, settings):
    """The classic confusion: a token "signed" with a secret the attacker may know."""
    forged = token(key=settings.OIDC_CLIENT_SECRET, algorithm="HS256")
    with pytest.raises(SuspiciousOperation, match="HS256"):
        backend._verify_jws(forged, PROVIDER_KEY.public_key())


def test_an_unsigned_token_is_refused(backend):
    unsigned = jwt.encode({"iss": ISSUER, "aud": CLIENT_ID, "sub": "u-1"}, None, "none")
    with pytest.raises(SuspiciousOperation, match="none"):
        backend.get_payload_data(unsigned, PROVIDER_KEY.public_key())
