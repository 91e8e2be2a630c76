"""A connector list row as HTML, for viewers and editors: the one home of a list row, and of
an editor's state cell, which also answers a change made from the row.

Built as strings for speed (see ``badge_html``); every upstream value goes through esc().
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf, reverse

from connectors_ui.catalogue.columns import valid_color
from connectors_ui.catalogue.stability import stability_view
from connectors_ui.changes.selectors import unknown_state_of
from connectors_ui.templatetags.badge_html import (
    esc,
    row_pill,
    row_stability_html,
    state_badges_html,
)
from governance.policy import approval_required

_MUTED_DASH = '<span class="muted">—</span>'
_LEFT_FILTER = (
    '<p class="small muted row-left-filter">'
    "No longer matches this filter: it will leave the list when the list reloads.</p>"
)


@dataclass(frozen=True)
class Editing:
    """What an editor's rows add to a viewer's: the page's CSRF field (already HTML) and the
    list URL a change made without JavaScript goes back to. The same for every row of a page,
    so read from the context once."""

    csrf_field: str
    next_url: str
    user: Any = None  # who may "Check again" a row whose state is unknown


def editing_from(context: template.Context) -> Editing | None:
    """The editing controls for this page's rows, or None for someone who may not change."""
    if not context.get("can_edit"):
        return None
    request = context.get("request")
    next_url = context.get("list_url") or (request.get_full_path() if request else "")
    # The {% csrf_token %} tag's own node: the same field as every other form on the page.
    return Editing(
        csrf_field=CsrfTokenNode().render(context),
        next_url=next_url,
        user=request.user if request else None,
    )


def _toggle_url_name(proposing: bool) -> str:
    """Where a row's toggle posts: a change request when the domain needs approval."""
    return "governance:propose_connector" if proposing else "connector_row_state"


def row_toggle_attributes_html() -> str:
    """The list table's attributes for js/rows.js, which builds each row's form as
    ``_row_toggle_html`` does: the URL a row posts to (``{uuid}`` in it) and, when the domain
    needs approval, the buttons' words."""
    proposing = approval_required()
    html = f' data-row-url="{esc(reverse(_toggle_url_name(proposing), args=["{uuid}"]))}"'
    if proposing:
        html += (
            ' data-row-disable="Propose disabling (needs approval)"'
            ' data-row-enable="Propose enabling (needs approval)"'
        )
    return html


def _row_toggle_html(c: Any, editing: Editing) -> str:
    """The compact enable/disable form in a row's state cell; it posts to the row's own URL,
    which answers with this cell (htmx) or goes back to the list (no JavaScript)."""
    proposing = approval_required()  # the domain needs approval: a change request instead
    uuid, url = esc(c.uuid), esc(reverse(_toggle_url_name(proposing), args=[c.uuid]))
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
            f'<input type="hidden" name="next" value="{esc(editing.next_url)}">',
            f'<label class="visually-hidden" for="row-reason-{uuid}">'
            f"Reason for {doing} {esc(c.name)}</label>",
            f'<input type="text" id="row-reason-{uuid}" name="reason" required maxlength="500" '
            'placeholder="Reason (required)" autocomplete="off">',
            f'<button type="submit" class="small-button{tone}">{button}</button>',
            "</form>",
            "</details>",
        )
    )


def _row_check_html(c: Any, editing: Editing, unknown: Any) -> str:
    """In place of the toggle while the state is unknown: "Check again" (it posts to the row's
    own check URL, answered with this cell) for the editor who made the change or an admin."""
    if not unknown.may_check(editing.user):
        return '<p class="small muted">Its author or an admin can check it again.</p>'
    uuid, url = esc(c.uuid), esc(reverse("connector_row_check", args=[c.uuid]))
    return "\n".join(
        (
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#row-state-{uuid}" '
            'hx-swap="outerHTML" hx-push-url="false" hx-disabled-elt="find button">',
            editing.csrf_field,
            f'<input type="hidden" name="next" value="{esc(editing.next_url)}">',
            '<button type="submit" class="small-button">Check again'
            f'<span class="visually-hidden"> {esc(c.name)}</span></button>',
            "</form>",
        )
    )


def row_state_html(
    c: Any,
    editing: Editing | None,
    *,
    message: str = "",
    level: str = "",
    left_filter: bool = False,
    lean: bool = False,
) -> str:
    """A row's state cell as editors have it: the badges, the message after a change, a note
    when the row no longer matches the list's filter, and the toggle (none for a connector
    Powens removed, or without ``editing``; left to the page's script when ``lean``)."""
    badges = state_badges_html(c, row_pill) if lean else state_badges_html(c)
    parts = [f'<div id="row-state-{esc(c.uuid)}">', badges]
    if message:
        parts.append(
            f'<p class="message message-{esc(level)} small" role="status">{esc(message)}</p>'
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
    return f' title="{esc(value)}"' if len(value) > limit else ""


def _source_badge(s: Any) -> str:
    """A source pill: its name, green or red; a long name's title holds it whole, with the
    priority the detail page lists."""
    title = ""
    if len(s.name) > _CLIPPED_CHIP:
        priority = "?" if s.priority is None else s.priority
        title = f' title="{esc(s.name)} · priority {esc(priority)}"'
    tone, disabled = (' class="bad"', " · disabled") if s.disabled else ("", "")
    return f"<b{tone}{title}>{esc(s.name)}{disabled}</b>"


def detail_prefix() -> str:
    """ "/connectors/": a row's link is this, its UUID and "/". A reverse() was 3% of a list
    page: it is made once per URL configuration and script prefix (what it depends on)."""
    return _detail_prefix(get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=16)
def _detail_prefix(urlconf: str | None, script_prefix: str) -> str:
    del script_prefix  # in the key: reverse() reads it from the thread
    return reverse("connector_detail", args=["-"], urlconf=urlconf)[:-2]


def _row_swatch(color: Any) -> str:
    """``swatch`` for a list row, inside its link: app.css sizes it (``.connector-table a >
    svg``) and paints it in its ``color`` (an SVG presentation attribute, not a style: the
    page's CSP allows it; a shape inside was 7 bytes more, fifty times a page). Having no
    title, it adds nothing to the link's name."""
    hex_color = valid_color(color)
    return f'<svg color="#{hex_color}"></svg>' if hex_color else "<svg></svg>"


def _name_cell(c: Any, prefix: str) -> str:
    """Swatch, name (a link to the page), and slug · code, on one line: the list reads at a
    glance when every row is one line high. ``formerly``: the earlier name a search matched."""
    meta = " · ".join(part for part in (c.slug, f"code {c.code}" if c.code else "") if part)
    formerly = getattr(c, "formerly", "")
    if formerly:
        meta = " · ".join(filter(None, (f"formerly {formerly}", meta)))
    meta_html = f" <small{_title(meta, _CLIPPED_NAME)}>{esc(meta)}</small>" if meta else ""
    return (
        f'<a href="{prefix}{esc(c.uuid)}/"{_title(c.name, _CLIPPED_NAME)}>'
        f"{_row_swatch(c.color)}{esc(c.name)}</a>"
        f"{meta_html}"
    )


def row_html(c: Any, editing: Editing | None, now: datetime, prefix: str) -> str:
    """One list row; an editor's starts with a selection cell and has the toggle in its state
    cell. Rows of connectors disabled on this domain or removed are dimmed by app.css.

    Lean on purpose, the page's weight being 50 of these: short tags styled by the table's
    CSS, titles only where a value is clipped, and no ``</td>`` (HTML closes a cell at the
    next one)."""
    countries = " ".join(
        f'<abbr title="{esc(name)}">{esc(code.upper())}</abbr>' for code, name in c.countries
    )
    products = " ".join(f"<i{_title(p, _CLIPPED_CHIP)}>{esc(p)}</i>" for p in c.products)
    sources = " ".join(_source_badge(s) for s in c.source_badges)
    cells = [
        _name_cell(c, prefix),
        "—" if c.powens_id is None else esc(c.powens_id),
        countries or _MUTED_DASH,
        products or _MUTED_DASH,
        esc(c.auth_mechanism or "—"),
        sources or _MUTED_DASH,
        row_state_html(c, editing, lean=True) if editing else state_badges_html(c, row_pill),
        row_stability_html(stability_view(c.stability_status, c.stability_since), now),
    ]
    if editing:
        cells.insert(
            0,
            f'<input type="checkbox" name="uuids" value="{esc(c.uuid)}" form="batch-form" '
            f'aria-label="Select {esc(c.name)}">',
        )
    return "<tr>" + "".join(f"<td>{cell}" for cell in cells) + "</tr>"


def memoised_row_html(c: Any, editing: Editing | None, now: datetime, prefix: str) -> str:
    """``row_html``, kept in the row's ``memo`` (``catalogue.list_rows``: it lives as long as
    the copy of the row) for the rest of the minute, the precision of its "for 2 hours". A row
    whose state may be unknown is built every time: its cell depends on the audit log and on
    who looks."""
    memo = getattr(c, "memo", None)
    if memo is None or getattr(c, "has_unresolved_change", True):
        return row_html(c, editing, now, prefix)
    # The prefix too: the default domain's rows are listed under /connectors/ and /d/<name>/.
    key = (editing is not None, getattr(c, "formerly", ""), prefix)
    minute = int(now.timestamp() // 60)
    held = memo.get(key)
    if held is None or held[0] != minute:
        held = memo[key] = (minute, row_html(c, editing, now, prefix))
    return held[1]
