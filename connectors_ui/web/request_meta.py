"""The request-metadata value the audit log copies onto every entry a request causes.

Built here, at the HTTP edge, so that ``audit`` never sees an ``HttpRequest``: its services
take the plain ``RequestMeta``, whether the caller is a view, a command or the worker.
"""

from django.http import HttpRequest

from accounts.throttle import client_address
from audit.services import RequestMeta
from connectors_ui.web.middleware import request_id_for


def request_meta_from(request: HttpRequest) -> RequestMeta:
    """Client IP (as the trusted proxies saw it, like the login throttle), user agent,
    request id."""
    client_ip = client_address(request)
    if client_ip == "unknown":
        client_ip = ""
    # Set by RequestLogMiddleware; a request that did not pass through it gets the same rule.
    request_id = getattr(request, "request_id", "") or request_id_for(request)
    # Whole: the audit log caps it with a visible marker.
    return RequestMeta(client_ip, request.META.get("HTTP_USER_AGENT", ""), request_id)
