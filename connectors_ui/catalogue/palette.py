"""What the Ctrl+K palette offers for what is typed: connectors, saved views and pages.

A connector is found as the list finds it (name, slug, bank code, integer id, UUID, a name it
had before), in every state, exact id or UUID first; when nothing matches, the "did you mean"
connectors. Pages are listed only once their URL exists here: some are being built elsewhere,
and a palette must never lead to a 404.
"""

from dataclasses import asdict, dataclass

from django.urls import Resolver404, resolve, reverse

from connectors_ui.catalogue.filtering import CatalogueQuery
from connectors_ui.catalogue.saved_views import User, saved_view_menu
from connectors_ui.catalogue.search_index import STATE_LABELS, STATES, normalise, state_label
from connectors_ui.catalogue.selectors import CatalogueStatus, connector_search
from connectors_ui.models import CatalogueConnector

CONNECTORS_SHOWN = 8
PAGES = (
    ("Connectors", "/connectors/", "the list"),
    ("Audit log", "/audit/", "every change, who and why"),
    ("Compare", "/compare/", "connectors side by side"),
    ("Change requests", "/changes/requests/", "changes waiting for a review"),
    ("Scheduled changes", "/changes/scheduled/", "changes planned for later"),
    ("Saved views", "/connectors/views/", "yours and the team's"),
)


@dataclass(frozen=True)
class PaletteItem:
    kind: str
    label: str
    detail: str
    url: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def palette_pages(q: str) -> list[PaletteItem]:
    """The pages whose name or description has every word typed (all of them for nothing)."""
    words = normalise(q).split()
    return [
        PaletteItem("Page", label, detail, path)
        for label, path, detail in PAGES
        if all(word in normalise(f"{label} {detail}") for word in words) and _exists(path)
    ]


def _connector_item(c: CatalogueConnector, kind: str = "Connector") -> PaletteItem:
    state = STATE_LABELS[state_label(c.removed_at, c.hidden)]
    facts = [c.slug, f"code {c.code}" if c.code else "", f"id {c.powens_id}", state]
    formerly = getattr(c, "formerly", "")
    if formerly:
        facts.insert(0, f"formerly {formerly}")
    url = reverse("connector_detail", args=[c.uuid])
    return PaletteItem(kind, c.name, " · ".join(f for f in facts if f), url)


def palette_connectors(q: str, status: CatalogueStatus | None = None) -> list[PaletteItem]:
    if not normalise(q):
        return []
    query = CatalogueQuery(q=q, filters={"state": STATES})
    result = connector_search(query, per_page=CONNECTORS_SHOWN, status=status)
    rows = [r for r in result.rows if result.exact is None or r.pk != result.exact.pk]
    items = [_connector_item(c) for c in ([result.exact] if result.exact else []) + rows]
    if not items and result.suggestion:
        kind = f"Did you mean “{result.suggestion.q}”"
        items = [_connector_item(c, kind) for c in result.suggestion.rows]
    return items[:CONNECTORS_SHOWN]


def palette_items(
    *, q: str, user: User, status: CatalogueStatus | None = None
) -> list[PaletteItem]:
    """Connectors first (what support jumps to most), then saved views, then pages."""
    words = normalise(q).split()
    menu = saved_view_menu(user=user)
    views = [
        PaletteItem(
            "Saved view",
            view.name,
            "yours" if view.owner_id == getattr(user, "pk", None) else f"shared by {view.owner}",
            f"{reverse('connector_list')}?{view.query}"
            if view.query
            else reverse("connector_list"),
        )
        for view in [*menu.mine, *menu.shared]
        if all(word in normalise(view.name) for word in words)
    ]
    return [*palette_connectors(q, status), *views, *palette_pages(q)]
