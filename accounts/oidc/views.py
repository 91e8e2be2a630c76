"""The two URLs of sign-in with the identity provider: start, and the provider's callback.

mozilla-django-oidc's views, given our settings and the endpoints from discovery. Both are
public (the visitor is not signed in yet) and answer 404 while ``OIDC_ISSUER`` is empty. A
sign-in that cannot complete (the provider is unreachable, refuses, or answers something we
refuse) sends back to the login page with a message instead of an error page; the reason is
logged, never a token or the client secret.
"""

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.oidc.config import library_setting, oidc_enabled
from accounts.oidc.discovery import DiscoveryError, provider_metadata

logger = logging.getLogger("connectors_ui.security")


def _failed(request: HttpRequest, reason: str) -> HttpResponse:
    logger.warning("sign-in with the identity provider failed: %s", reason)
    messages.error(
        request,
        f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again; if it keeps "
        "failing, ask an admin.",
    )
    return redirect(settings.LOGIN_URL)


class OidcStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (state, nonce, PKCE)."""

    get_settings = staticmethod(library_setting)

    def __init__(self, **kwargs: Any) -> None:
        # Not the library's __init__, which reads the endpoint from settings: ``get`` takes it
        # from discovery.
        View.__init__(self, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata().authorization_endpoint
        except DiscoveryError as error:
            return _failed(request, str(error))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the code is exchanged and checked
    (``accounts.oidc.backend``), then the account signed in."""

    get_settings = staticmethod(library_setting)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except DiscoveryError as error:
            return _failed(request, str(error))
        except SuspiciousOperation as error:  # unknown state, a token we refuse
            return _failed(request, str(error))
        except requests.RequestException as error:  # the token, JWKS or userinfo call
            status = getattr(error.response, "status_code", None)
            return _failed(request, f"{type(error).__name__} from the provider (HTTP {status})")

    def login_failure(self) -> HttpResponse:
        """The provider said no (``?error=``), no state in the session, or an inactive
        account."""
        error = self.request.GET.get("error", "")
        return _failed(self.request, f"provider error {error[:40]!r}" if error else "refused")


oidc_start = login_not_required(OidcStartView.as_view())
oidc_callback = login_not_required(OidcCallbackView.as_view())
