"""URLs name their domain: ``/d/<domain>/connectors/…`` is the connector list of that domain,
and the URL without the prefix (``/connectors/…``, as before) is the default domain's.

The middleware takes ``/d/<domain>/`` off the path before Django resolves it and makes it the
script prefix for the request, as a server mounting the site under that path would: every URL
the page builds (``{% url %}``, ``reverse``, redirects) keeps the domain with no view or
template knowing about it. The request then acts on that domain (``context``), and so does a
streamed response (the CSV exports) while it is being sent. An unknown domain is a 404.
"""

import re
from collections.abc import Callable, Iterable, Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import get_script_prefix, set_script_prefix

from accounts.scope import scoped
from connectors_ui.domains.registry import UnknownDomain, domain_get

_PREFIXED = re.compile(r"^/d/(?P<name>[^/]+)(?P<rest>/.*)$")


def _scoped_stream(content: Iterable[bytes], name: str) -> Iterator[bytes]:
    with scoped(name):
        yield from content


class DomainMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = _PREFIXED.match(request.path_info)
        if match is None:
            return self.get_response(request)
        try:
            domain = domain_get(match["name"])
        except UnknownDomain:
            raise Http404("No such Powens domain.") from None
        request.path_info = match["rest"]
        previous = get_script_prefix()
        # The site's own prefix, for links to another domain (the header's switcher).
        request.domain_root = previous  # type: ignore[attr-defined]
        set_script_prefix(f"{previous}d/{domain.name}/")
        try:
            with scoped(domain.name):
                response = self.get_response(request)
        finally:
            set_script_prefix(previous)
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _scoped_stream(response.streaming_content, domain.name)
        return response
