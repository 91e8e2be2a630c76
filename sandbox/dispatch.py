"""Run one sandbox API call in-process, with injected faults; shared by the ``requests``
transport and the standalone server so both behave the same.

No Django middleware runs here: the sandbox stands in for a remote API, so the dashboard's
login, CSRF and CSP rules do not apply to it.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve

from sandbox import faults
from sandbox.api import WRITE_METHODS, route_not_found, server_error
from sandbox.backend import IDS_PATTERN
from sandbox.domains import domain_from_host, sandbox_domain_scope
from sandbox.errors import error_response, status_error
from sandbox.rate_limit import limiter

logger = logging.getLogger("sandbox")
# Fault control on the standalone server must keep working whatever faults are active.
CONTROL_PREFIX = "/_sandbox/"

_ENDPOINTS = {
    ("connectors", "GET"): "E1",
    ("connectors", "PATCH"): "E4",
    ("connector", "GET"): "E2",
    ("connector", "PUT"): "E3",
    ("sources", "GET"): "E6",
    ("source", "GET"): "E7",
    ("source", "PUT"): "E8",
}


class ResponseLost(Exception):
    """The client never gets an answer: ``kind`` is "timeout" or "reset". ``delay`` is how long
    a timeout holds the connection before giving up (None: as long as the caller likes)."""

    def __init__(self, kind: str, delay: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.delay = delay


def _resolve(request: HttpRequest, urlconf: str) -> ResolverMatch | None:
    try:
        return resolve(request.path_info, urlconf=urlconf)
    except Resolver404:
        return None


def classify(method: str, match: ResolverMatch | None) -> str | None:
    """Which of E1–E8 a call is (None for unknown routes and methods)."""
    if match is None:
        return None
    code = _ENDPOINTS.get((match.url_name or "", method))
    if code == "E3" and IDS_PATTERN.match(match.kwargs.get("ref", "")):
        return "E5"
    return code


def call(request: HttpRequest, match: ResolverMatch | None) -> HttpResponse:
    """Run the resolved view; unknown routes and bugs still answer with the envelope."""
    if match is None:
        return route_not_found(request)
    try:
        return match.func(request, *match.args, **match.kwargs)
    except Exception:
        logger.exception("Sandbox bug on %s %s", request.method, request.path_info)
        return server_error(request)


def _malformed(applied: HttpResponse | None) -> HttpResponse:
    """A 200 whose JSON stops half-way, like a proxy cutting the body."""
    content = applied.content if applied is not None else b'{"connectors": [{"id": 1, "uuid": "'
    return HttpResponse(content[: max(1, len(content) // 2)], content_type="application/json")


def handle(
    request: HttpRequest, *, read_timeout: float | None = None, urlconf: str = "sandbox.urls"
) -> HttpResponse:
    """Run one call for the domain its host names (``sandbox.domains``), applying the fault
    that fires on it; raises ResponseLost when the answer never arrives (after applying the
    write when the fault says ``apply_write``)."""
    # Not get_host(): the sandbox is no site of ours, ALLOWED_HOSTS does not name its hosts.
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    with sandbox_domain_scope(domain_from_host(host)):
        return _handle(request, read_timeout=read_timeout, urlconf=urlconf)


def _handle(request: HttpRequest, *, read_timeout: float | None, urlconf: str) -> HttpResponse:
    method = request.method or "GET"
    match = _resolve(request, urlconf)  # once: classifying and running share it
    if request.path_info.startswith(CONTROL_PREFIX):
        return call(request, match)
    wait = limiter.wait_for(request.META.get("REMOTE_ADDR") or "unknown")
    if wait is not None:
        return error_response(status_error(429), retry_after=wait)
    fault = faults.take(classify(method, match), method)
    if fault is None:
        return call(request, match)
    delay = fault.delay_ms / 1000 if fault.delay_ms is not None else None
    if fault.kind == "latency":
        delay = delay or 0.0
        if read_timeout is not None and delay > read_timeout:
            time.sleep(read_timeout)
            call(request, match)  # the server finishes the work; the client gave up
            raise ResponseLost("timeout")
        time.sleep(delay)
        return call(request, match)
    runs = fault.apply_write or (fault.kind == "malformed" and method not in WRITE_METHODS)
    applied = call(request, match) if runs else None
    if fault.kind == "status":
        return error_response(status_error(fault.status or 500), retry_after=fault.retry_after)
    if fault.kind == "malformed":
        return _malformed(applied)
    raise ResponseLost(fault.kind, delay)
