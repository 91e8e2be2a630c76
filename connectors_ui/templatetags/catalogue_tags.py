"""Rendering helpers for untrusted catalogue data: everything goes through format_html.

Never mark upstream data safe: names, labels and unknown values may contain HTML.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from connectors_ui.catalogue.columns import valid_color
from connectors_ui.catalogue.search_index import STATE_LABELS
from connectors_ui.catalogue.stability import TONES, StabilityView, stability_view
from connectors_ui.changes.selectors import connectors_mark_unknown, unknown_state_of
from connectors_ui.powens import parse_powens_datetime
from governance.policy import approval_required

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


# The list's rows, badges and facet options are built here rather than in template loops,
# with the standard library's html.escape on every value: measured, template loops and
# format_html cost ~0.2 ms per row, most of the fragment's time budget
# (bench/catalogue_bench.py). This is the one home of a list row, for viewers and editors,
# and of an editor's state cell, which also answers a change made from the row. Every
# upstream value below goes through _e().
_MUTED_DASH = '<span class="muted">—</span>'
_LEFT_FILTER = (
    '<p class="small muted row-left-filter">'
    "No longer matches this filter: it will leave the list when the list reloads.</p>"
)


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _state_badges_html(connector: Any) -> str:
    """The state pill (its word from STATE_LABELS; ``data-state`` dims the list row, see
    app.css) and the flag pills. Restricted is amber, a disabled connector grey: two facts."""
    if connector.removed_at:
        when = connector.removed_at.strftime("%Y-%m-%d %H:%M")
        state = (
            f'<span class="badge badge-removed" data-state="removed" title="Absent from '
            f'Powens&#x27; list since {when} UTC">{STATE_LABELS["removed"]}</span>'
        )
    elif unknown_state_of(connector) is not None:
        state = _unknown_badge_html(connector)
    elif connector.hidden:
        state = (
            '<span class="badge badge-off" data-state="hidden" title="End users cannot add new '
            f'connections to it">{STATE_LABELS["hidden"]}</span>'
        )
    else:
        state = (
            f'<span class="badge badge-ok" data-state="enabled">{STATE_LABELS["enabled"]}</span>'
        )
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


def _unknown_badge_html(connector: Any) -> str:
    """A change Powens did not clearly answer, and no read since: the copy's state may be
    wrong, so it is shown as what it is, the state last seen (``changes.selectors``)."""
    last_seen = "disabled" if connector.hidden else "enabled"
    return (
        '<span class="badge badge-warn" title="Powens did not answer the last change clearly '
        'and could not be read back">state unknown</span> '
        f'<span class="muted small">(last seen {last_seen})</span>'
    )


_DURATIONS = ((365 * 86400, "year"), (30 * 86400, "month"), (86400, "day"), (3600, "hour"))


def _duration(seconds: float) -> str:
    """'3 days', '2 hours', '5 minutes': the largest whole unit, like timesince(depth=1) but
    without its cost on every row (list rows are built here for speed)."""
    for size, unit in _DURATIONS:
        if seconds >= size * (2 if size > 86400 else 1):
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    minutes = max(1, int(seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _since_html(view: StabilityView, now: datetime) -> str:
    """'for 2 hours' as a <time> whose title is the date (Powens' ``last_update``)."""
    since = view.since
    if since is None:
        return ""
    absolute = since.strftime("%Y-%m-%d %H:%M")
    seconds = (now - since).total_seconds()
    words = (
        f"since {absolute} UTC"  # a date ahead of our clock: say it as it is
        if seconds < -60
        else "for under a minute"
        if seconds < 60
        else f"for {_duration(seconds)}"
    )
    return f'<time datetime="{since.isoformat()}" title="since {absolute} UTC">{words}</time>'


def _stability_html(view: StabilityView, now: datetime, *, prefix: str = "") -> str:
    """A stability pill (the level in words, coloured), for how long, and what Powens sent when
    we do not know the value."""
    parts = [f'<span class="badge {TONES[view.level]}">{prefix}{view.level}</span>']
    since = _since_html(view, now)
    if since:
        parts.append(f'<span class="small muted stability-since">{since}</span>')
    if view.is_odd:
        parts.append(
            f'<span class="small muted">Powens sent “{_e((view.received or "")[:60])}”</span>'
        )
    return " ".join(parts)


@register.simple_tag
def stability_badge(view: StabilityView, prefix: str = "") -> SafeString:
    """A connector's or a source's stability (see catalogue.stability), for the detail page."""
    return mark_safe(_stability_html(view, timezone.now(), prefix=_e(prefix)))  # noqa: S308


@register.simple_tag
def source_stability(source: Any) -> SafeString:
    """A stored source's stability (CatalogueSource's columns)."""
    return stability_badge(stability_view(source.stability_status, source.stability_since))


@register.simple_tag
def state_badges(connector: Any) -> SafeString:
    """State (removed / state unknown / hidden / enabled) and flag badges of a
    CatalogueConnector."""
    return mark_safe(_state_badges_html(connector))  # noqa: S308 - constants and a date only


@dataclass(frozen=True)
class _Editing:
    """What an editor's rows add to a viewer's: the page's CSRF field (already HTML) and the
    list URL a change made without JavaScript goes back to. The same for every row of a page,
    so read from the context once."""

    csrf_field: str
    next_url: str
    user: Any = None  # who may "Check again" a row whose state is unknown


def _editing(context: template.Context) -> _Editing | None:
    """The editing controls for this page's rows, or None for someone who may not change."""
    if not context.get("can_edit"):
        return None
    request = context.get("request")
    next_url = context.get("list_url") or (request.get_full_path() if request else "")
    # The {% csrf_token %} tag's own node: the same field as every other form on the page.
    return _Editing(
        csrf_field=CsrfTokenNode().render(context),
        next_url=next_url,
        user=request.user if request else None,
    )


def _row_toggle_html(c: Any, editing: _Editing) -> str:
    """The compact enable/disable form in a row's state cell; it posts to the row's own URL,
    which answers with this cell (htmx) or goes back to the list (no JavaScript)."""
    proposing = approval_required()  # the domain needs approval: a change request instead
    name = "governance:propose_connector" if proposing else "connector_row_state"
    uuid, url = _e(c.uuid), _e(reverse(name, args=[c.uuid]))
    verb, doing, flag, tone = (
        ("Enable", "enabling", "1", "") if c.hidden else ("Disable", "disabling", "0", " danger")
    )
    button = f"Propose {doing} (needs approval)" if proposing else verb
    return "\n".join(
        (
            '<details class="row-toggle">',
            f"<summary>{verb}…</summary>",
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#row-state-{uuid}" '
            'hx-swap="outerHTML" hx-push-url="false" hx-disabled-elt="find button">',
            editing.csrf_field,
            f'<input type="hidden" name="enabled" value="{flag}">',
            f'<input type="hidden" name="seen_hidden" value="{flag}">',
            f'<input type="hidden" name="next" value="{_e(editing.next_url)}">',
            f'<label class="visually-hidden" for="row-reason-{uuid}">'
            f"Reason for {doing} {_e(c.name)}</label>",
            f'<input type="text" id="row-reason-{uuid}" name="reason" required maxlength="500" '
            'placeholder="Reason (required)" autocomplete="off">',
            f'<button type="submit" class="small-button{tone}">{button}</button>',
            "</form>",
            "</details>",
        )
    )


def _row_check_html(c: Any, editing: _Editing, unknown: Any) -> str:
    """In place of the toggle while the state is unknown: "Check again" (it posts to the row's
    own check URL, answered with this cell) for the editor who made the change or an admin."""
    if not unknown.may_check(editing.user):
        return '<p class="small muted">Its author or an admin can check it again.</p>'
    uuid, url = _e(c.uuid), _e(reverse("connector_row_check", args=[c.uuid]))
    return "\n".join(
        (
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#row-state-{uuid}" '
            'hx-swap="outerHTML" hx-push-url="false" hx-disabled-elt="find button">',
            editing.csrf_field,
            f'<input type="hidden" name="next" value="{_e(editing.next_url)}">',
            '<button type="submit" class="small-button">Check again'
            f'<span class="visually-hidden"> {_e(c.name)}</span></button>',
            "</form>",
        )
    )


def _row_state_html(
    c: Any,
    editing: _Editing | None,
    *,
    message: str = "",
    level: str = "",
    left_filter: bool = False,
) -> str:
    """A row's state cell as editors have it: the badges, the message after a change, a note
    when the row no longer matches the list's filter, and the toggle (none for a connector
    Powens removed, or without ``editing``)."""
    parts = [f'<div id="row-state-{_e(c.uuid)}" class="row-state">', _state_badges_html(c)]
    if message:
        parts.append(
            f'<p class="message message-{_e(level)} small" role="status">{_e(message)}</p>'
        )
    if left_filter:
        parts.append(_LEFT_FILTER)
    if editing and not c.removed_at:
        unknown = unknown_state_of(c)
        parts.append(
            _row_check_html(c, editing, unknown) if unknown else _row_toggle_html(c, editing)
        )
    parts.append("</div>")
    return "\n".join(parts)


def _row_html(c: Any, editing: _Editing | None, now: datetime) -> str:
    """One list row; an editor's starts with a selection cell and has the toggle in its state
    cell. Rows of connectors disabled on this domain or removed are dimmed by app.css."""
    meta = " · ".join(part for part in (c.slug, f"code {c.code}" if c.code else "") if part)
    countries = " ".join(
        f'<abbr title="{_e(name)}">{_e(code.upper())}</abbr>' for code, name in c.countries
    )
    # Long upstream text is clipped by the stylesheet (.clip-*): the title holds it whole.
    products = " ".join(f'<span class="chip" title="{_e(p)}">{_e(p)}</span>' for p in c.products)
    sources = " ".join(
        f'<span class="badge {"badge-bad" if s.disabled else "badge-ok"}" '
        f'title="{_e(s.name)} · priority {"?" if s.priority is None else _e(s.priority)}">'
        f"{_e(s.name)}{' · disabled' if s.disabled else ''}</span>"
        for s in c.source_badges
    )
    meta_html = (
        f'<div class="muted small clip-line" title="{_e(meta)}">{_e(meta)}</div>' if meta else ""
    )
    lead = (
        f'<td><input type="checkbox" name="uuids" value="{_e(c.uuid)}" form="batch-form" '
        f'data-batch-item aria-label="Select {_e(c.name)}"></td>'
        if editing
        else ""
    )
    state = _row_state_html(c, editing) if editing else _state_badges_html(c)
    return (
        f"<tr>{lead}<td>{swatch(c.color)} "
        f'<a href="{_e(reverse("connector_detail", args=[c.uuid]))}" class="clip-lines" '
        f'title="{_e(c.name)}">{_e(c.name)}</a>'
        f"{meta_html}</td>"
        f"<td>{'—' if c.powens_id is None else _e(c.powens_id)}</td>"
        f"<td>{countries or _MUTED_DASH}</td><td>{products or _MUTED_DASH}</td>"
        f"<td>{_e(c.auth_mechanism or '—')}</td><td>{sources or _MUTED_DASH}</td>"
        f"<td>{state}</td>"
        f"<td>{_stability_html(stability_view(c.stability_status, c.stability_since), now)}</td>"
        "</tr>"
    )


@register.simple_tag(takes_context=True)
def connector_list_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """The list table's <tr> rows (rows come from ``connector_search``), with a selection
    checkbox and an enable/disable control for editors."""
    editing, now = _editing(context), timezone.now()
    connectors_mark_unknown(rows)  # one query for the page's targets
    return mark_safe("\n".join(_row_html(c, editing, now) for c in rows))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def connector_row_state(context: template.Context, connector: Any) -> SafeString:
    """One row's state cell alone: the answer to a change made from that row. Context:
    ``message``/``message_level``, and ``left_filter`` with ``list_url`` when the list's filter
    no longer matches the connector (see ``connectors_ui.changes.views``)."""
    html = _row_state_html(
        connector,
        _editing(context),
        message=context.get("message") or "",
        level=context.get("message_level") or "",
        left_filter=bool(context.get("left_filter")),
    )
    return mark_safe(html)  # noqa: S308 - every value escaped by _e


@register.simple_tag
def facet_options(facet: dict[str, Any]) -> SafeString:
    """A filter select's options, each with its facet count."""
    options = "".join(
        f'<option value="{_e(o.value)}"{" selected" if o.selected else ""}>'
        f"{_e(o.label)} ({o.count:,})</option>"
        for o in facet["options"]
    )
    return mark_safe(f'<option value="">{_e(facet["any_label"])}</option>{options}')  # noqa: S308
