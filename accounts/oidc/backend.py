"""The authentication backend for sign-in with the identity provider.

mozilla-django-oidc's backend does the token exchange and checks the ID token's RS256
signature against the provider's JWKS; this subclass

- takes the endpoints from discovery when someone signs in (the library reads them from
  settings when the backend is built, which Django does on every request of a signed-in user);
- also checks the ID token's audience (our client id) and issuer (the library skips both),
  and that the userinfo answer is about the same subject (OIDC Core §5.3.2);
- finds the account by the provider's (issuer, subject), never by e-mail, and applies the
  role claim at every sign-in (``accounts.oidc.services``).

Password sign-ins pass through untouched: it only answers the callback's call.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.oidc.config import library_setting
from accounts.oidc.discovery import provider_metadata
from accounts.oidc.services import oidc_user_create, oidc_user_update, oidc_users_matching
from accounts.roles import get_user_with_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ALGORITHM = "RS256"
# Seconds of clock difference with the provider tolerated on exp/iat.
LEEWAY = 60


class OidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured by discovery and checking more."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the library's __init__: it reads the endpoints from settings, and Django builds
        # this backend for every request of an account signed in with it (``get_user``).
        # ``authenticate`` resolves them, from discovery, only when someone signs in.
        self.UserModel = get_user_model()
        self.token_auth_basic = True
        self.issuer = ""

    def get_settings(self, attr: str, *default: Any) -> Any:
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH":
            return self.token_auth_basic
        return library_setting(attr, *default)

    # The library's get_user skips the is_active check: a deactivated account keeps no session.
    # Django's checks it, and ours reads the role with the user.
    get_user = get_user_with_role

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only OIDCAuthenticationCallbackView passes a nonce; a password form never does.
        if request is None or "nonce" not in kwargs:
            return None
        metadata = provider_metadata()
        self.OIDC_OP_TOKEN_ENDPOINT = metadata.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = metadata.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = metadata.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        # None leaves it out of the token request: a public client proves itself by PKCE.
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET or None
        self.OIDC_RP_SIGN_ALGO = ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.token_auth_basic = metadata.token_auth_basic and bool(settings.OIDC_CLIENT_SECRET)
        self.issuer = metadata.issuer
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: str | bytes, key: Any) -> dict[str, Any]:
        """The signature with the provider's key, and exp, audience and issuer."""
        try:
            header = jwt.get_unverified_header(payload)
            if header.get("alg") != ALGORITHM:
                raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
            return jwt.decode(
                payload,
                key,
                algorithms=[ALGORITHM],
                audience=settings.OIDC_CLIENT_ID,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The ID token's claims, completed by the userinfo endpoint's when there is one.

        Some providers put groups in one and not the other; the ID token's ``iss`` (checked)
        is kept, and the userinfo answer must be about the same ``sub``.
        """
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("the userinfo answer is about another subject")
        return {**payload, **info, "iss": payload["iss"]}

    def verify_claims(self, claims: Mapping[str, Any]) -> bool:
        return bool(claims.get("sub")) and bool(claims.get("iss"))

    def filter_users_by_claims(self, claims: Mapping[str, Any]) -> QuerySet["User"]:
        return oidc_users_matching(issuer=claims["iss"], subject=claims["sub"])

    def create_user(self, claims: Mapping[str, Any]) -> "User":
        return oidc_user_create(claims=claims)

    def update_user(self, user: "User", claims: Mapping[str, Any]) -> "User":
        return oidc_user_update(user=user, claims=claims)
