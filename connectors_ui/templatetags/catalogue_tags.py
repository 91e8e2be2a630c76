"""Rendering helpers for untrusted catalogue data: everything goes through format_html.

Never mark upstream data safe: names, labels and unknown values may contain HTML.
"""

import json
import math
import re
from collections.abc import Callable
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


def _badge_pill(tone: str, text: str, *, state: str = "", title: str = "") -> str:
    """A pill as the detail page and a change's answer have it: ``<span class="badge …">``."""
    classes = f"badge {tone}".strip()
    attributes = (f' data-state="{state}"' if state else "") + (
        f' title="{title}"' if title else ""
    )
    return f'<span class="{classes}"{attributes}>{text}</span>'


def _row_pill(tone: str, text: str, *, state: str = "", title: str = "") -> str:
    """A pill in a list row's short markup: ``<b>``, coloured by its ``data-state`` or a short
    class (app.css, ``.connector-table b``: green unless told otherwise)."""
    short = "" if state else {"badge-warn": "warn", "": "n"}.get(tone, "")
    if short == "n":
        title = ""  # a neutral flag (beta, charged, Pay) is its word: fifty rows, no tooltip
    attributes = "".join(
        f' {name}="{value}"'
        for name, value in (("class", short), ("data-state", state), ("title", title))
        if value
    )
    return f"<b{attributes}>{text}</b>"


def _state_badges_html(connector: Any, pill: Callable[..., str] = _badge_pill) -> str:
    """The state pill (its word from STATE_LABELS; ``data-state`` dims the list row, see
    app.css) and the flag pills. Restricted is amber, a disabled connector grey: two facts.
    ``pill`` writes each one (``_row_pill`` in list rows)."""
    if connector.removed_at:
        when = connector.removed_at.strftime("%Y-%m-%d %H:%M")
        title = f"Absent from Powens&#x27; list since {when} UTC"
        state = pill("badge-removed", STATE_LABELS["removed"], state="removed", title=title)
    elif unknown_state_of(connector) is not None:
        state = _unknown_badge_html(connector)
    elif connector.hidden:
        title = "End users cannot add new connections to it"
        state = pill("badge-off", STATE_LABELS["hidden"], state="hidden", title=title)
    else:
        state = pill("badge-ok", STATE_LABELS["enabled"], state="enabled")
    flags = (
        (connector.beta, pill("", "beta")),
        (connector.restricted, pill("badge-warn", "restricted", title="No new connections")),
        (connector.charged, pill("", "charged")),
        (connector.pay_capable, pill("", "Pay", title="Pay-capable")),
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
    return (
        f'<time datetime="{since.strftime("%Y-%m-%dT%H:%MZ")}" '
        f'title="since {absolute} UTC">{words}</time>'
    )


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


@register.simple_tag
def row_toggle_attributes() -> SafeString:
    """The list table's attributes for js/rows.js, which builds each row's form: the URL a row
    posts to (``{uuid}`` in it) and, when the domain needs approval, the buttons' words (a
    row then proposes a change request, as ``_row_toggle_html`` does)."""
    proposing = approval_required()
    name = "governance:propose_connector" if proposing else "connector_row_state"
    url = reverse(name, args=["{uuid}"])
    html = f' data-row-url="{_e(url)}"'
    if proposing:
        html += (
            ' data-row-disable="Propose disabling (needs approval)"'
            ' data-row-enable="Propose enabling (needs approval)"'
        )
    return mark_safe(html)  # noqa: S308 - escaped


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


def _tone(level: str) -> str:
    """A stability level's colour as a list row's class: none for the usual "stable" (a row
    pill is green unless told otherwise), "warn", "bad", or "n" (neutral) for unknown."""
    tone = TONES[level].removeprefix("badge-") or "n"
    return "" if tone == "ok" else f' class="{tone}"'


def _row_stability_html(view: StabilityView, now: datetime) -> str:
    """A list row's stability: the level, and for how long unless it is stable."""
    parts = [f"<b{_tone(view.level)}>{view.level}</b>"]
    if view.level != "stable":
        parts.append(_since_html(view, now))
    if view.is_odd:
        parts.append(f"<small>Powens sent “{_e((view.received or '')[:60])}”</small>")
    return " ".join(part for part in parts if part)


def _row_state_html(
    c: Any,
    editing: _Editing | None,
    *,
    message: str = "",
    level: str = "",
    left_filter: bool = False,
    lean: bool = False,
) -> str:
    """A row's state cell as editors have it: the badges, the message after a change, a note
    when the row no longer matches the list's filter, and the toggle (none for a connector
    Powens removed, or without ``editing``; left to the page's script when ``lean``)."""
    badges = _state_badges_html(c, _row_pill) if lean else _state_badges_html(c)
    parts = [f'<div id="row-state-{_e(c.uuid)}">', badges]
    if message:
        parts.append(
            f'<p class="message message-{_e(level)} small" role="status">{_e(message)}</p>'
        )
    if left_filter:
        parts.append(_LEFT_FILTER)
    if editing and not c.removed_at:
        unknown = unknown_state_of(c)
        if unknown:
            parts.append(_row_check_html(c, editing, unknown))
        elif not lean:
            # A list page's rows get theirs from js/rows.js: fifty forms, each with the token,
            # hidden fields and htmx attributes, were most of the page's weight. It builds
            # the disclosure and, once opened, the form from the page's #row-toggle-form
            # template (this same form); without JavaScript the change is made on the
            # connector's page or as a batch.
            parts.append(_row_toggle_html(c, editing))
    parts.append("</div>")
    return ("" if lean else "\n").join(parts)


# Past these lengths the stylesheet clips a value: its title then holds it whole.
_CLIPPED_NAME = 40
_CLIPPED_CHIP = 16


def _title(value: str, limit: int) -> str:
    return f' title="{_e(value)}"' if len(value) > limit else ""


def _source_badge(s: Any) -> str:
    """A source pill: its name, green or red; a long name's title holds it whole, with the
    priority the detail page lists."""
    title = ""
    if len(s.name) > _CLIPPED_CHIP:
        priority = "?" if s.priority is None else s.priority
        title = f' title="{_e(s.name)} · priority {_e(priority)}"'
    tone, disabled = (' class="bad"', " · disabled") if s.disabled else ("", "")
    return f"<b{tone}{title}>{_e(s.name)}{disabled}</b>"


def _detail_prefix() -> str:
    """ "/connectors/": a row's link is this, its UUID and "/" (one reverse() per page)."""
    return reverse("connector_detail", args=["-"])[:-2]


def _row_swatch(color: Any) -> str:
    """``swatch`` for a list row, inside its link: app.css sizes it (``.connector-table a >
    svg``) and, having no title, it adds nothing to the link's name (a list page has fifty)."""
    hex_color = valid_color(color)
    return f'<svg><rect fill="#{hex_color}"/></svg>' if hex_color else "<svg></svg>"


def _name_cell(c: Any, prefix: str) -> str:
    """Swatch, name (a link to the page), and slug · code, on one line: the list reads at a
    glance when every row is one line high. ``formerly``: the earlier name a search matched."""
    meta = " · ".join(part for part in (c.slug, f"code {c.code}" if c.code else "") if part)
    formerly = getattr(c, "formerly", "")
    if formerly:
        meta = " · ".join(filter(None, (f"formerly {formerly}", meta)))
    meta_html = f" <small{_title(meta, _CLIPPED_NAME)}>{_e(meta)}</small>" if meta else ""
    return (
        f'<a href="{prefix}{_e(c.uuid)}/"{_title(c.name, _CLIPPED_NAME)}>'
        f"{_row_swatch(c.color)}{_e(c.name)}</a>"
        f"{meta_html}"
    )


def _row_html(c: Any, editing: _Editing | None, now: datetime, prefix: str) -> str:
    """One list row; an editor's starts with a selection cell and has the toggle in its state
    cell. Rows of connectors disabled on this domain or removed are dimmed by app.css.

    Lean on purpose, the page's weight being 50 of these: short tags styled by the table's
    CSS, titles only where a value is clipped, and no ``</td>`` (HTML closes a cell at the
    next one)."""
    countries = " ".join(
        f'<abbr title="{_e(name)}">{_e(code.upper())}</abbr>' for code, name in c.countries
    )
    products = " ".join(f"<i{_title(p, _CLIPPED_CHIP)}>{_e(p)}</i>" for p in c.products)
    sources = " ".join(_source_badge(s) for s in c.source_badges)
    cells = [
        _name_cell(c, prefix),
        "—" if c.powens_id is None else _e(c.powens_id),
        countries or _MUTED_DASH,
        products or _MUTED_DASH,
        _e(c.auth_mechanism or "—"),
        sources or _MUTED_DASH,
        _row_state_html(c, editing, lean=True) if editing else _state_badges_html(c, _row_pill),
        _row_stability_html(stability_view(c.stability_status, c.stability_since), now),
    ]
    if editing:
        cells.insert(
            0,
            f'<input type="checkbox" name="uuids" value="{_e(c.uuid)}" form="batch-form" '
            f'aria-label="Select {_e(c.name)}">',
        )
    return "<tr>" + "".join(f"<td>{cell}" for cell in cells) + "</tr>"


@register.simple_tag(takes_context=True)
def connector_list_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """The list table's <tr> rows (rows come from ``connector_search``), with a selection
    checkbox and an enable/disable control for editors."""
    editing, now, prefix = _editing(context), timezone.now(), _detail_prefix()
    connectors_mark_unknown(rows)  # one query for the page's targets
    return mark_safe("\n".join(_row_html(c, editing, now, prefix) for c in rows))  # noqa: S308 - escaped


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
    """A yes/no filter select's options, each with its facet count."""
    options = "".join(
        f'<option value="{_e(o.value)}"{" selected" if o.selected else ""}>'
        f"{_e(o.label)} ({o.count:,})</option>"
        for o in facet["options"]
    )
    return mark_safe(f'<option value="">{_e(facet["any_label"])}</option>{options}')  # noqa: S308


@register.simple_tag
def facet_control(facet: dict[str, Any]) -> SafeString:
    """One filter of the bar. A multi-value one is a disclosure holding a multiple select with
    the facet counts (any selected value matches; none = ``any_label``; js/filters.js makes a
    plain click toggle one option); a yes/no one is a plain select."""
    name, label = _e(facet["name"]), _e(facet["label"])
    if not facet["multiple"]:
        return mark_safe(  # noqa: S308 - escaped
            f'<label class="facet">{label} <select name="{name}">{facet_options(facet)}</select>'
            "</label>"
        )
    options = "".join(
        f'<option value="{_e(o.value)}"{" selected" if o.selected else ""}>'
        f"{_e(o.label)} ({o.count:,})</option>"
        for o in facet["options"]
    )
    chosen = facet["chosen"]
    shown = f' <span class="facet-n">{chosen}</span>' if chosen else ""
    size = max(2, min(len(facet["options"]), 8))
    if facet["any_label"] != "any":  # "any but removed": say what no choice means
        label = f"{label} (none selected: {_e(facet['any_label'])})"
    return mark_safe(  # noqa: S308 - escaped
        f'<details class="facet"><summary>{_e(facet["label"])}{shown}</summary>'
        f'<select name="{name}" multiple size="{size}" aria-label="{label}">{options}</select>'
        "</details>"
    )
