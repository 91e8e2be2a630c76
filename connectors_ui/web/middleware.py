"""Request-wide middleware: a request id and one log line per request; roles by default.

``RequestLogMiddleware`` goes first in ``MIDDLEWARE`` so it times and logs everything,
redirects and static files included, and so every later layer (audit entries, Powens call log
lines) sees ``request.request_id``.

``RoleRequiredMiddleware`` is to roles what ``LoginRequiredMiddleware`` is to sessions: a
signed-in account that holds no role yet (an admin created it but gave it no group) sees no
dashboard page, whatever URLs are added later. It may still sign out and change its password.
Views mark the exceptions themselves (``accounts.roles``): ``role_not_required`` for the
account pages, ``records_refused_posts`` for POSTs whose service refuses the attempt *and
records it in the audit log* (issue 6); the user still gets 403.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.roles import Role, role_of
from connectors_ui.web.request_log import current_request_id

logger = logging.getLogger("connectors_ui.request")
REQUEST_ID_HEADER = "X-Request-ID"
# Short, no spaces or quotes: safe in any log line and audit entry.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


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
