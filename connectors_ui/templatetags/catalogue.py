"""Rendering helpers for untrusted catalogue data: everything goes through format_html.

Never mark upstream data safe: names, labels and unknown values may contain HTML.
"""

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from connectors_ui.services.catalogue_data import parse_datetime, valid_color

register = template.Library()
_DATETIME_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?")


@register.simple_tag
def swatch(color: Any) -> SafeString:
    """An inline SVG square: presentation attributes are not inline styles, so CSP allows it."""
    hex_color = valid_color(color)
    if not hex_color:
        return mark_safe('<span class="swatch swatch-none" aria-hidden="true"></span>')  # constant
    return format_html(
        '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" '
        'focusable="false">'
        '<rect width="12" height="12" rx="2" fill="#{}"/></svg>',
        hex_color,
    )


@register.filter
def safe_href(url: Any) -> str:
    """The URL when it is an absolute http(s) URL, else "" (render it as text instead)."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme in {"http", "https"} and parts.netloc else ""


@register.filter
def powens_datetime(value: Any) -> Any:
    """A Powens datetime string as an aware datetime (or the value itself when unparsable)."""
    return parse_datetime(value) or value


def _badge(value: bool) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>', "badge-ok" if value else "", "yes" if value else "no"
    )


@register.simple_tag
def human(value: Any, none_label: str = "not set") -> SafeString:
    """Any JSON value for humans: booleans as badges, lists as chips, dates as <time>, the rest
    (unknown shapes included) as it is."""
    if value is None:
        return format_html('<span class="muted">{}</span>', none_label)
    if isinstance(value, bool):
        return _badge(value)
    if isinstance(value, str) and _DATETIME_LIKE.fullmatch(value):
        parsed = parse_datetime(value)
        if parsed:
            return format_html('<time datetime="{}">{}</time>', parsed.isoformat(), value)
    if isinstance(value, list):
        if not value:
            return format_html('<span class="muted">{}</span>', "none")
        if all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
        ):
            return format_html_join(
                " ", '<span class="chip">{}</span>', ((item,) for item in value)
            )
    if isinstance(value, dict | list):
        return format_html("<code>{}</code>", json.dumps(value, ensure_ascii=False))
    return format_html("{}", value)


@register.inclusion_tag("connectors_ui/_freshness.html", takes_context=True)
def catalogue_freshness(context: template.Context) -> dict[str, Any]:
    """The "Catalogue refreshed … ago" line and the stale/failed banner, for any page."""
    from connectors_ui.selectors.catalogue import catalogue_status

    status = context.get("catalogue_status") or catalogue_status()
    request = context.get("request")
    return {
        "status": status,
        "can_edit": context.get("can_edit", False),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
    }


@register.filter
def thousands(value: Any) -> str:
    """1234567 -> "1,234,567" (django.contrib.humanize is not installed for one filter)."""
    return f"{value:,}" if isinstance(value, int) else str(value)
