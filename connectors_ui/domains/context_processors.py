"""What every page's header shows about domains: the current one (production unmistakable),
and a switcher to the same page on each other domain the user may see."""

from dataclasses import dataclass

from django.http import HttpRequest

from accounts.roles import Role, role_of
from connectors_ui.domains.context import current_domain
from connectors_ui.domains.links import domain_url
from connectors_ui.domains.registry import Domain, domains

# Pages that exist on every domain under the same path: a switch keeps the user there. Any
# other page (a batch result, an audit entry) is one domain's: a switch opens the list.
_SAME_PAGE_PREFIXES = ("/connectors/", "/compare/", "/audit/")


@dataclass(frozen=True)
class DomainLink:
    domain: Domain
    url: str
    current: bool


def domain_path(request: HttpRequest, name: str) -> str:
    """This page's URL on domain ``name`` (or its connector list there)."""
    path = request.path_info
    if not path.startswith(_SAME_PAGE_PREFIXES) or "/batch/" in path:
        path = "/connectors/"
    query = request.META.get("QUERY_STRING", "")
    return domain_url(request, name, path) + (f"?{query}" if query else "")


def domain_links(request: HttpRequest) -> list[DomainLink]:
    """A link per domain the user has a role on."""
    current = current_domain()
    return [
        DomainLink(domain, domain_path(request, domain.name), domain == current)
        for domain in domains()
        if domain == current or role_of(request.user, domain.name) >= Role.VIEWER
    ]


def domains_context(request: HttpRequest) -> dict:
    found = domains()
    return {
        "powens_domain": current_domain(),
        # Signed-in users only: the login page names no domain beyond the header's badge.
        "powens_domain_links": domain_links(request)
        if len(found) > 1 and request.user.is_authenticated
        else [],
    }
