"""Who is acting right now, for the account events recorded by model signals.

A signal handler sees a model instance, not a request: ``ActorMiddleware`` keeps the request
being served in a context variable so ``acting()`` can name the signed-in user behind a change
made in Django admin, our pages or sign-in provisioning. Outside a request the actor is the
management command being run, or "system" (a shell, the task worker's own code).
"""

import contextvars
import sys
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse

from accounts.throttle import client_address
from audit.services import Acting, RequestMeta

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "accounts_current_request", default=None
)


def _command_name() -> str:
    """ "manage.py <command>" when run through manage.py or django-admin, else "system"."""
    program = Path(sys.argv[0]).name if sys.argv else ""
    if program in {"manage.py", "django-admin"} and len(sys.argv) > 1:
        return f"manage.py {sys.argv[1]}"[:150]
    return "system"


def request_meta_of(request: HttpRequest) -> RequestMeta:
    """Client address (as the login throttle sees it), user agent and request id."""
    address = client_address(request)
    return RequestMeta(
        client_ip="" if address == "unknown" else address,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
        request_id=getattr(request, "request_id", ""),
    )


def acting() -> Acting:
    """The actor now: read when the event happens, so a sign-in sees the user it signed in."""
    request = _current_request.get()
    if request is None:
        return Acting(None, _command_name(), None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Acting(None, "anonymous", request_meta_of(request))
    return Acting(user, user.get_username(), request_meta_of(request))


class ActorMiddleware:
    """Makes the request being served visible to ``acting()``; after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
