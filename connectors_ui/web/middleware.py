"""Request-wide middleware: a request id and one log line per request; roles by default;
what browsers may cache.

``RequestLogMiddleware`` goes first in ``MIDDLEWARE`` so it times and logs everything,
redirects and static files included, and so every later layer (audit entries, Powens call log
lines) sees ``request.request_id``.

``RoleRequiredMiddleware`` is to roles what ``LoginRequiredMiddleware`` is to sessions: a
signed-in account that holds no role yet (an admin created it but gave it no group) sees no
dashboard page, whatever URLs are added later. It may still sign out and change its password.
Views mark the exceptions themselves (``accounts.roles``): ``role_not_required`` for the
account pages, ``records_refused_posts`` for POSTs whose service refuses the attempt *and
records it in the audit log* (issue 6); the user still gets 403.

``CachePolicyMiddleware`` says how a response may be cached, for every view at once: pages and
their htmx fragments share URLs, so a response that does not name the htmx headers it depends
on can be served from the browser's cache as the other variant (issue 10: Back showed a bare
fragment).

Compression is Django's ``GZipMiddleware`` (settings.MIDDLEWARE, right after WhiteNoise, so
every later layer sees the body uncompressed): a list page shrinks ~8 times. Pages that carry
a secret next to reflected input are what BREACH attacks, and ours carry the CSRF token (and
echo the search box). Two defences make the compressed length useless to an attacker: Django
masks the CSRF token with a new random salt in every response, so the secret never repeats
byte for byte, and ``GZipMiddleware`` itself adds a random-length filename to the gzip header
("Heal The Breach", Django 4.2+), so lengths differ between identical responses. The session
cookie is never in a body.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from accounts.roles import Role, role_of
from connectors_ui.web.request_log import current_request_id

logger = logging.getLogger("connectors_ui.request")
REQUEST_ID_HEADER = "X-Request-ID"
# Short, no spaces or quotes: safe in any log line and audit entry.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# The request headers by which one URL answers differently: a full page or a fragment
# (HX-Request), the full page again for htmx's history restore (HX-History-Restore-Request),
# which fragment (HX-Target, the connector list's count line).
HTMX_VARY = ("HX-Request", "HX-History-Restore-Request", "HX-Target")


def request_id_for(request: HttpRequest) -> str:
    """The caller's ``X-Request-ID`` when it is sane (a proxy's trace id), else a new one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _username(request: HttpRequest) -> str:
    # ``request.user`` exists only once AuthenticationMiddleware ran (not for static files).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "-"
    return user.get_username()


class TracedRequest(HttpRequest):
    """A request once ``RequestLogMiddleware`` has given it its id (for the type checker)."""

    request_id: str


class RequestLogMiddleware:
    """Sets ``request.request_id``, returns it in ``X-Request-ID`` and logs one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: TracedRequest) -> HttpResponse:
        request.request_id = request_id_for(request)
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            # The path only: query strings may hold search terms or other people's data.
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "user": _username(request),
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "method": request.method,
                    "path": request.path,
                },
            )
            return response
        finally:
            current_request_id.reset(token)


class RoleRequiredMiddleware:
    """403 for signed-in users without a role, except on their own account pages.

    Public views (``login_not_required``), views marked ``role_not_required``, POSTs to views
    marked ``records_refused_posts`` (their services refuse and audit) and Django admin (which
    checks staff status itself) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> None:
        if not getattr(view_func, "login_required", True) or not request.user.is_authenticated:
            return None
        if not getattr(view_func, "role_required", True):
            return None
        if request.method == "POST" and getattr(view_func, "records_refused_posts", False):
            return None
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return None
        if role_of(request.user) < Role.VIEWER:
            raise PermissionDenied("Your account has no role yet: ask an admin to give you one.")
        return None


class CachePolicyMiddleware:
    """``Vary`` on the htmx headers for every response; ``no-store`` for a signed-in user's.

    Vary alone keeps a cached fragment from being served as the page; ``no-store`` also keeps
    internal data (and one user's view) out of the disk cache, so Back re-asks the server
    rather than showing a stale or foreign page. A view that chose its own ``Cache-Control``
    (the CSV exports' ``private, no-store``, ``never_cache`` on /health/) keeps it. Static files
    never get here: WhiteNoise answers them earlier in ``MIDDLEWARE``, with its own max-age.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, HTMX_VARY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True)
        return response
