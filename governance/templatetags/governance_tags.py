"""Template helpers for governance: whether this domain's changes need approval (the change
forms then propose instead of applying), times in a zone, and the schedule panel of a
connector's detail page."""

import functools
from datetime import datetime
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from governance.detail import step_rows
from governance.policy import approval_required
from governance.selectors import connector_scheduled_steps
from governance.timezones import SESSION_KEY, local_label, zone_names

register = template.Library()


@register.simple_tag
def approval_required_here() -> bool:
    return approval_required()


@register.filter
def in_zone(moment: datetime | None, zone: str) -> str:
    """``moment`` in ``zone``, with the zone's abbreviation and name (and UTC beside it)."""
    return local_label(moment, zone) if moment else ""


@register.simple_tag
def zone_options(selected: str) -> SafeString:
    """The time zone select's ~600 options, ``selected`` chosen. Built once per chosen zone:
    through the template's loop they were half of a connector page's server time."""
    return _zone_options(selected)


@functools.cache
def _zone_options(selected: str) -> SafeString:
    options = (
        f'<option value="{escape(name)}"{" selected" if name == selected else ""}>'
        f"{escape(name)}</option>"
        for name in zone_names()
    )
    return mark_safe("".join(options))  # noqa: S308 - every name escaped


@register.inclusion_tag("governance/_connector_schedule.html", takes_context=True)
def connector_schedule(context: template.Context, connector: Any) -> dict[str, Any]:
    """The connector's scheduled steps, and (for editors) the form to schedule a change."""
    request = context.get("request")
    session = getattr(request, "session", None) or {}
    zone = session.get(SESSION_KEY) or settings.TIME_ZONE
    return {
        "c": connector,
        "rows": step_rows(connector_scheduled_steps(connector.uuid), zone),
        "can_edit": context.get("can_edit"),
        "needs_approval": approval_required(),
        "zone": zone,
        "csrf_token": context.get("csrf_token"),
    }
