"""Helpers shared by the trust tests: URL enumeration, state snapshots, page scanning."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from connectors_ui.models import CatalogueConnector
from sandbox.models import SandboxConnector, SandboxSource


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project: its full route text, name and namespaces."""

    route: str
    name: str | None
    namespaces: tuple[str, ...]
    pattern: URLPattern

    @property
    def reverse_name(self) -> str | None:
        return ":".join([*self.namespaces, self.name]) if self.name else None


def project_routes() -> list[Route]:
    """Every URL pattern reachable from ROOT_URLCONF, in resolution order."""

    def walk(resolver: URLResolver, prefix: str, spaces: tuple[str, ...]) -> Iterator[Route]:
        for item in resolver.url_patterns:
            text = prefix + str(item.pattern)
            if isinstance(item, URLResolver):
                space = (*spaces, item.namespace) if item.namespace else spaces
                yield from walk(item, text, space)
            else:
                yield Route(text, item.name, spaces, item)

    return list(walk(get_resolver(), "", ()))


def route_kwargs(route: Route) -> list[str]:
    """The keyword arguments a route captures (path converters and regex groups alike)."""
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.route)]


def sandbox_state() -> dict[str, Any]:
    """What Powens (the sandbox) holds that a write could change."""
    return {
        "connectors": dict(SandboxConnector.objects.values_list("uuid", "hidden")),
        # Every domain's (ids are unique across them): a write refused on one must not land
        # on another.
        "every_domain": dict(SandboxConnector.all_domains.values_list("id", "hidden")),
        "sources": dict(SandboxSource.all_domains.values_list("id", "disabled")),
    }


def local_state() -> dict[str, Any]:
    """The local catalogue copy's connector states."""
    return dict(CatalogueConnector.objects.values_list("uuid", "hidden"))


class _Scanner(HTMLParser):
    """Collects what a strict CSP would block, or what would run script, from real tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.external_links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" not in values:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.problems.append(f"script URL in {name}= on <{tag}>: {value[:80]}")
        if tag == "a" and re.match(r"^[a-z][a-z0-9+.-]*://", values.get("href", ""), re.I):
            self.external_links.append(values)

    handle_startendtag = handle_starttag


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "xlink:href"}


def scan_html(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def inline_code_problems(html: str) -> list[str]:
    """Everything in ``html`` the CSP would block or that would run script: should be empty."""
    return scan_html(html).problems


def unsafe_external_links(html: str) -> list[dict[str, str]]:
    """External links that do not carry rel="noopener noreferrer"."""
    return [
        link
        for link in scan_html(html).external_links
        if not {"noopener", "noreferrer"} <= set(link.get("rel", "").split())
    ]
