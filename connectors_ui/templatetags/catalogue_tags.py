"""Rendering helpers for untrusted catalogue data: everything goes through format_html.

Never mark upstream data safe: names, labels and unknown values may contain HTML.
"""

import json
import math
import re
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from connectors_ui.catalogue.columns import valid_color
from connectors_ui.powens import parse_powens_datetime

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


def _badge(value: bool, warn_when_true: bool) -> SafeString:
    tone = ("badge-warn" if warn_when_true else "badge-ok") if value else ""
    return format_html('<span class="badge {}">{}</span>', tone, "yes" if value else "no")


@register.simple_tag
def human(value: Any, none_label: str = "not set", warn_when_true: bool = False) -> SafeString:
    """Any JSON value for humans: booleans as badges, lists as chips, dates as <time>, the rest
    (unknown shapes included) as it is. ``true`` is a green badge unless the caller says it is
    a caution (``warn_when_true``, e.g. hidden or restricted)."""
    if value is None:
        return format_html('<span class="muted">{}</span>', none_label)
    if isinstance(value, bool):
        return _badge(value, warn_when_true)
    if isinstance(value, str) and _DATETIME_LIKE.fullmatch(value):
        parsed = parse_powens_datetime(value)
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


@register.simple_tag
def money(value: Any, none_label: str = "not available") -> SafeString:
    """An amount as "4,000.00": thousands separated, two decimals, or more when Powens sends
    more (an amount is never rounded away). Anything but a finite number shows as ``human``
    would, as received."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        amount = Decimal(str(value))  # str(): the digits Powens sent, not binary float noise
        places = max(2, -int(amount.as_tuple().exponent))
        return format_html("{}", f"{amount:,.{places}f}")
    return human(value, none_label)


@register.inclusion_tag("connectors_ui/_freshness.html", takes_context=True)
def catalogue_freshness(context: template.Context) -> dict[str, Any]:
    """The "Catalogue refreshed … ago" line and the stale/failed banner, for any page."""
    from connectors_ui.catalogue.selectors import catalogue_status

    status = context.get("catalogue_status") or catalogue_status()
    request = context.get("request")
    return {
        "status": status,
        "can_edit": context.get("can_edit", False),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
    }


@register.filter
def ago(value: datetime | None) -> str:
    """'25 minutes ago', or 'just now' under a minute (timesince would say '0 minutes')."""
    if value is None:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value)} ago"


_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))


@register.filter
def interval_words(value: timedelta) -> str:
    """A refresh interval as an adjective: 600 s -> '10-minute', 5400 s -> '90-minute'."""
    seconds = int(value.total_seconds())
    size, unit = next(((s, u) for s, u in _UNITS if seconds and seconds % s == 0), (1, "second"))
    return f"{seconds // size:,}-{unit}"


@register.filter
def thousands(value: Any) -> str:
    """1234567 -> "1,234,567" (django.contrib.humanize is not installed for one filter)."""
    return f"{value:,}" if isinstance(value, int) else str(value)


# The list's rows, badges and facet options are built here rather than in template loops,
# with the standard library's html.escape on every value: measured, template loops and
# format_html cost ~0.2 ms per row, most of the fragment's time budget
# (bench/catalogue_bench.py). Every upstream value below goes through _e().
_MUTED_DASH = '<span class="muted">—</span>'


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _state_badges_html(connector: Any) -> str:
    if connector.removed_at:
        when = connector.removed_at.strftime("%Y-%m-%d %H:%M")
        state = (
            f'<span class="badge badge-bad" title="Absent from Powens&#x27; list since {when} UTC">'
            "removed</span>"
        )
    elif connector.hidden:
        state = '<span class="badge badge-warn">hidden</span>'
    else:
        state = '<span class="badge badge-ok">enabled</span>'
    flags = (
        (connector.beta, '<span class="badge">beta</span>'),
        (
            connector.restricted,
            '<span class="badge badge-warn" title="No new connections">restricted</span>',
        ),
        (connector.charged, '<span class="badge">charged</span>'),
        (connector.pay_capable, '<span class="badge" title="Pay-capable">Pay</span>'),
    )
    return " ".join([state, *(badge for on, badge in flags if on)])


@register.simple_tag
def state_badges(connector: Any) -> SafeString:
    """State (removed / hidden / enabled) and flag badges of a CatalogueConnector."""
    return mark_safe(_state_badges_html(connector))  # noqa: S308 - constants and a date only


def row_html(c: Any, *, lead: str = "", state: str | None = None) -> str:
    """One list row. Editors' rows pass ``lead`` (a selection cell, already escaped) and
    ``state`` (the state cell's content with its control, already escaped)."""
    meta = " · ".join(part for part in (c.slug, f"code {c.code}" if c.code else "") if part)
    countries = " ".join(
        f'<abbr title="{_e(name)}">{_e(code.upper())}</abbr>' for code, name in c.countries
    )
    products = " ".join(f'<span class="chip">{_e(p)}</span>' for p in c.products)
    sources = " ".join(
        f'<span class="badge {"badge-bad" if s.disabled else "badge-ok"}" '
        f'title="priority {"?" if s.priority is None else _e(s.priority)}">'
        f"{_e(s.name)}{' · disabled' if s.disabled else ''}</span>"
        for s in c.source_badges
    )
    return (
        f"<tr>{lead}<td>{swatch(c.color)} "
        f'<a href="{_e(reverse("connector_detail", args=[c.uuid]))}">{_e(c.name)}</a>'
        f"{f'<div class="muted small">{_e(meta)}</div>' if meta else ''}</td>"
        f"<td>{'—' if c.powens_id is None else _e(c.powens_id)}</td>"
        f"<td>{countries or _MUTED_DASH}</td><td>{products or _MUTED_DASH}</td>"
        f"<td>{_e(c.auth_mechanism or '—')}</td><td>{sources or _MUTED_DASH}</td>"
        f"<td>{_state_badges_html(c) if state is None else state}</td></tr>"
    )


@register.simple_tag
def connector_rows(rows: list[Any]) -> SafeString:
    """The list table's <tr> rows (rows come from ``connector_search``)."""
    return mark_safe("\n".join(row_html(row) for row in rows))  # noqa: S308 - see row_html


@register.simple_tag
def facet_options(facet: dict[str, Any]) -> SafeString:
    """A filter select's options, each with its facet count."""
    options = "".join(
        f'<option value="{_e(o.value)}"{" selected" if o.selected else ""}>'
        f"{_e(o.label)} ({o.count:,})</option>"
        for o in facet["options"]
    )
    return mark_safe(f'<option value="">{_e(facet["any_label"])}</option>{options}')  # noqa: S308
