"""Our OIDC settings, and the library's read from them.

mozilla-django-oidc reads a dozen ``OIDC_RP_*`` / ``OIDC_OP_*`` Django settings; ours are
fewer and named after what an operator configures (see README, "Sign in with your identity
provider"). ``library_setting`` answers the library from ours, so there is one source of
truth and the endpoints come from discovery rather than from settings.
"""

from typing import Any

from django.conf import settings

# What the library's flow must always do here, whatever the environment says.
FIXED = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_USE_NONCE": True,
    "OIDC_VERIFY_SSL": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_CREATE_USER": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
    "OIDC_REDIRECT_FIELD_NAME": "next",
}
# The library's name → ours.
RENAMED = {
    "OIDC_RP_CLIENT_ID": "OIDC_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "OIDC_CLIENT_SECRET",
    "OIDC_RP_SCOPES": "OIDC_SCOPES",
    "OIDC_TIMEOUT": "OIDC_TIMEOUT",
}


def oidc_enabled() -> bool:
    """Single sign-on is on when an issuer is configured."""
    return bool(settings.OIDC_ISSUER)


def library_setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's ``get_settings``, answered from ours (read at call time, so a
    test's override applies)."""
    if name in FIXED:
        return FIXED[name]
    if name in RENAMED:
        return getattr(settings, RENAMED[name])
    if default:
        return getattr(settings, name, default[0])
    return getattr(settings, name)
