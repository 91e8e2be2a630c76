"""Audit template helpers: a connector's history panel (used on the catalogue detail page)."""

from django import template

from audit.selectors import connector_history_panel

register = template.Library()


@register.inclusion_tag("audit/_connector_history.html")
def connector_audit_history(connector_uuid: str) -> dict:
    return connector_history_panel(connector_uuid)
