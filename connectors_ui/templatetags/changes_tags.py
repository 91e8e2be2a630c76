"""Template helpers for the change controls (source toggles show their place in the order;
a target whose state is unknown offers "Check again")."""

from dataclasses import dataclass
from typing import Any

from django import template

from connectors_ui.changes.selectors import UnknownState, unknown_state_of
from connectors_ui.models import CatalogueConnector, CatalogueSource

register = template.Library()


def _order_key(source: CatalogueSource) -> tuple:
    return (source.priority is None, source.priority or 0, source.source_id)


def source_toggle_context(connector: CatalogueConnector, source: CatalogueSource) -> dict[str, Any]:
    """The source, whether Powens uses it first now, and which source would take over.

    Powens synchronises with the enabled source of lowest priority first, so disabling the
    source in use hands over to the next enabled one (or to none: say so before it happens).
    """
    ordered = sorted(connector.sources.all(), key=_order_key)
    enabled = [s for s in ordered if not s.disabled]
    in_use = bool(enabled) and enabled[0].pk == source.pk
    following = [s for s in enabled if s.pk != source.pk]
    return {
        "c": connector,
        "s": source,
        "position": ordered.index(source) + 1 if source in ordered else None,
        "in_use": in_use,
        "takes_over": following[0] if in_use and following else None,
        "last_enabled": in_use and not following,
    }


@dataclass(frozen=True)
class UnknownView:
    """What a page shows of a target whose state is unknown: since when, whose change, and
    whether the signed-in user may check it again."""

    state: UnknownState
    may_check: bool


@register.simple_tag(takes_context=True)
def unknown_state(
    context: template.Context, connector: CatalogueConnector, source_id: int | None = None
) -> UnknownView | None:
    """``{% unknown_state c as unknown %}``: the connector's (or a source's) unknown state."""
    state = unknown_state_of(connector, source_id)
    if state is None:
        return None
    request = context.get("request")
    return UnknownView(state, state.may_check(request.user if request else None))


@register.inclusion_tag("connectors_ui/_source_toggle.html", takes_context=True)
def source_toggle(
    context: template.Context, connector: CatalogueConnector, source: CatalogueSource
) -> dict:
    just_changed = context.get("changed_source_id") == source.source_id
    return {
        **source_toggle_context(connector, source),
        "unknown": unknown_state(context, connector, source.source_id),
        "message": context.get("message") if just_changed else None,
        "message_level": context.get("message_level"),
        "can_edit": context.get("can_edit"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
