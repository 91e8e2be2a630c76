"""Template helpers for the change controls (source toggles show their place in the order)."""

from typing import Any, cast

from django import template
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from connectors_ui.models import CatalogueConnector, CatalogueSource
from connectors_ui.templatetags import catalogue_tags

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


@register.inclusion_tag("connectors_ui/_source_toggle.html", takes_context=True)
def source_toggle(
    context: template.Context, connector: CatalogueConnector, source: CatalogueSource
) -> dict:
    just_changed = context.get("changed_source_id") == source.source_id
    return {
        **source_toggle_context(connector, source),
        "message": context.get("message") if just_changed else None,
        "message_level": context.get("message_level"),
        "can_edit": context.get("can_edit"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.simple_tag(takes_context=True)
def editable_connector_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """The catalogue's list rows, plus a selection checkbox and an enable/disable control in
    the state cell, for editors (viewers get the plain ``connector_rows``)."""
    row_state = get_template("connectors_ui/_connector_row_state.html")
    # A template context's keys are names.
    flat = cast(dict[str, Any], context.flatten())
    html = []
    for c in rows:
        checkbox = format_html(
            '<td><input type="checkbox" name="uuids" value="{}" form="batch-form" '
            'data-batch-item aria-label="Select {}"></td>',
            c.uuid,
            c.name,
        )
        control = row_state.render({**flat, "c": c}, context.get("request"))
        html.append(catalogue_tags.row_html(c, lead=checkbox, state=control))
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped fragments above
