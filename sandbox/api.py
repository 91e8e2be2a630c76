"""HTTP plumbing shared by the sandbox views: methods, auth, JSON bodies, query parameters.

Each URL gets one view built by ``endpoint(GET=..., PUT=...)``: the handler receives the request
and the URL arguments and returns JSON-able data or raises ``ApiError``; everything the Powens
contract says about methods, tokens and error envelopes is enforced here, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from sandbox.errors import ApiError, error_response, invalid, json_response

Handler = Callable[..., Any]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNAUTHORIZED = "You don't have the required authorization parameter to access this endpoint."


def check_token(request: HttpRequest) -> None:
    """401 ``unauthorized`` when the bearer token is missing or wrong (POWENS_API.md §1: "401
    auth missing or wrong"; 403 is for a token lacking scope, which one config token never
    does here; fault injection can still answer 403)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    valid = scheme.lower() == "bearer" and token.strip()
    if not valid or not constant_time_compare(token.strip(), settings.POWENS_SANDBOX_TOKEN):
        raise ApiError(401, "unauthorized", UNAUTHORIZED)


def json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise invalid("The request body is not valid JSON.") from None


def comma_list(request: HttpRequest, name: str) -> list[str]:
    """``expand=fields,sources``; a client that repeats the parameter instead
    (``expand=fields&expand=sources``) gets the union, not only the last one."""
    values = ",".join(request.GET.getlist(name))
    return [part.strip() for part in values.split(",") if part.strip()]


def int_param(request: HttpRequest, name: str, *, minimum: int = 0) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{name} must be an integer.") from None
    if value < minimum:
        raise invalid(f"{name} must be at least {minimum}.")
    return value


def endpoint(**handlers: Handler) -> Callable[..., HttpResponse]:
    """Build a view dispatching on method; writes need the config token."""

    @login_not_required
    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            handler = handlers.get(request.method or "")
            if handler is None:
                raise ApiError(
                    405, "methodNotAllowed", f"Method {request.method} is not allowed here."
                )
            if request.method in WRITE_METHODS:
                check_token(request)
            return json_response(handler(request, **kwargs))
        except ApiError as error:
            response = error_response(error)
            if error.status == 405:
                response["Allow"] = ", ".join(sorted(handlers))
            return response

    return view


def route_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: unknown routes answer with the envelope too."""
    return error_response(ApiError(404, "notFound", f"Unknown route {request.path}."))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a bug still answers with the envelope (code ``bug``)."""
    return error_response(ApiError(500, "bug", "An internal error occurred."))
