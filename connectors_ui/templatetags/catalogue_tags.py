"""Rendering helpers for untrusted catalogue data: everything goes through format_html.

Never mark upstream data safe: names, labels and unknown values may contain HTML.
"""

import json
import math
import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from connectors_ui.catalogue.columns import valid_color
from connectors_ui.catalogue.stability import StabilityView, stability_view
from connectors_ui.changes.selectors import connectors_mark_unknown
from connectors_ui.powens import parse_powens_datetime
from connectors_ui.templatetags.badge_html import esc, stability_html, state_badges_html
from connectors_ui.templatetags.row_html import (
    detail_prefix,
    editing_from,
    memoised_row_html,
    row_state_html,
    row_toggle_attributes_html,
)

register = template.Library()
_DATETIME_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?")


@register.simple_tag
def swatch(color: Any) -> SafeString:
    """An inline SVG square: presentation attributes are not inline styles, so CSP allows it."""
    hex_color = valid_color(color)
    if not hex_color:
        return mark_safe('<span class="swatch swatch-none" aria-hidden="true"></span>')  # constant
    # Its size and corners come from app.css (.swatch, .swatch rect): a list page has one per
    # row.
    return format_html(
        '<svg class="swatch" aria-hidden="true"><rect fill="#{}"/></svg>',
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
    """The "Catalogue refreshed … ago" line and the stale/failed/refreshing banner, for any
    page. The status comes from the view or the context processor (which starts the refresh a
    stale copy needs); ``since`` names the copy this page shows, for the banner's polling."""
    from connectors_ui.catalogue.selectors import catalogue_status

    status = context.get("catalogue_status") or catalogue_status()
    request = context.get("request")
    return {
        "status": status,
        "since": str(status.last_success.pk) if status.last_success else "",
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


@register.simple_tag
def stability_badge(view: StabilityView, prefix: str = "") -> SafeString:
    """A connector's or a source's stability (see catalogue.stability), for the detail page."""
    return mark_safe(stability_html(view, timezone.now(), prefix=esc(prefix)))  # noqa: S308


@register.simple_tag
def source_stability(source: Any) -> SafeString:
    """A stored source's stability (CatalogueSource's columns)."""
    return stability_badge(stability_view(source.stability_status, source.stability_since))


@register.simple_tag
def state_badges(connector: Any) -> SafeString:
    """State (removed / state unknown / hidden / enabled) and flag badges of a
    CatalogueConnector."""
    return mark_safe(state_badges_html(connector))  # noqa: S308 - constants and a date only


@register.simple_tag
def row_toggle_attributes() -> SafeString:
    """The list table's attributes for js/rows.js, which builds each row's form: the URL a row
    posts to (``{uuid}`` in it) and, when the domain needs approval, the buttons' words (a
    row then proposes a change request, as a server-built row's toggle does)."""
    return mark_safe(row_toggle_attributes_html())  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def connector_list_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """The list table's <tr> rows (rows come from ``connector_search``), with a selection
    checkbox and an enable/disable control for editors."""
    editing, now, prefix = editing_from(context), timezone.now(), detail_prefix()
    connectors_mark_unknown(rows)  # one query for the page's targets
    html = "".join(memoised_row_html(c, editing, now, prefix) for c in rows)
    return mark_safe(html)  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def connector_row_state(context: template.Context, connector: Any) -> SafeString:
    """One row's state cell alone: the answer to a change made from that row. Context:
    ``message``/``message_level``, and ``left_filter`` with ``list_url`` when the list's filter
    no longer matches the connector (see ``connectors_ui.changes.views``)."""
    html = row_state_html(
        connector,
        editing_from(context),
        message=context.get("message") or "",
        level=context.get("message_level") or "",
        left_filter=bool(context.get("left_filter")),
    )
    return mark_safe(html)  # noqa: S308 - every value escaped by esc


def _options_html(facet: dict[str, Any]) -> str:
    """A facet's options, each with its count."""
    return "".join(
        f'<option value="{esc(o.value)}"{" selected" if o.selected else ""}>'
        f"{esc(o.label)} ({o.count:,})</option>"
        for o in facet["options"]
    )


@register.simple_tag
def facet_options(facet: dict[str, Any]) -> SafeString:
    """A yes/no filter select's options, each with its facet count."""
    options = _options_html(facet)
    return mark_safe(f'<option value="">{esc(facet["any_label"])}</option>{options}')  # noqa: S308


@register.simple_tag
def facet_control(facet: dict[str, Any]) -> SafeString:
    """One filter of the bar. A multi-value one is a disclosure holding a multiple select with
    the facet counts (any selected value matches; none = ``any_label``; js/filters.js makes a
    plain click toggle one option); a yes/no one is a plain select."""
    name, label = esc(facet["name"]), esc(facet["label"])
    if not facet["multiple"]:
        return mark_safe(  # noqa: S308 - escaped
            f'<label class="facet">{label} <select name="{name}">{facet_options(facet)}</select>'
            "</label>"
        )
    options = _options_html(facet)
    chosen = facet["chosen"]
    shown = f' <span class="facet-n">{chosen}</span>' if chosen else ""
    size = max(2, min(len(facet["options"]), 8))
    if facet["any_label"] != "any":  # "any but removed": say what no choice means
        label = f"{label} (none selected: {esc(facet['any_label'])})"
    return mark_safe(  # noqa: S308 - escaped
        f'<details class="facet"><summary>{esc(facet["label"])}{shown}</summary>'
        f'<select name="{name}" multiple size="{size}" aria-label="{label}">{options}</select>'
        "</details>"
    )
