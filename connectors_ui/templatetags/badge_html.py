"""Pills as HTML strings (a connector's state and flags, a stability level and for how long):
for list rows, whose short markup ``row_pill`` writes, and the detail page's badges.

Built here rather than in template loops, with the standard library's html.escape on every
value: measured, template loops and format_html cost ~0.2 ms per row, most of the list
fragment's time budget (bench/catalogue_bench.py). Every upstream value goes through esc().
"""

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from connectors_ui.catalogue.search_index import STATE_LABELS
from connectors_ui.catalogue.stability import TONES, StabilityView
from connectors_ui.changes.selectors import unknown_state_of


def esc(value: Any) -> str:
    """``value`` as text safe in an element or a quoted attribute."""
    return escape(str(value), quote=True)


def badge_pill(tone: str, text: str, *, state: str = "", title: str = "") -> str:
    """A pill as the detail page and a change's answer have it: ``<span class="badge …">``."""
    classes = f"badge {tone}".strip()
    attributes = (f' data-state="{state}"' if state else "") + (
        f' title="{title}"' if title else ""
    )
    return f'<span class="{classes}"{attributes}>{text}</span>'


def row_pill(tone: str, text: str, *, state: str = "", title: str = "") -> str:
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


def state_badges_html(connector: Any, pill: Callable[..., str] = badge_pill) -> str:
    """The state pill (its word from STATE_LABELS; ``data-state`` dims the list row, see
    app.css) and the flag pills. Restricted is amber, a disabled connector grey: two facts.
    ``pill`` writes each one (``row_pill`` in list rows)."""
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


def stability_html(view: StabilityView, now: datetime, *, prefix: str = "") -> str:
    """A stability pill (the level in words, coloured), for how long, and what Powens sent when
    we do not know the value."""
    parts = [f'<span class="badge {TONES[view.level]}">{prefix}{view.level}</span>']
    since = _since_html(view, now)
    if since:
        parts.append(f'<span class="small muted stability-since">{since}</span>')
    if view.is_odd:
        parts.append(
            f'<span class="small muted">Powens sent “{esc((view.received or "")[:60])}”</span>'
        )
    return " ".join(parts)


def _tone(level: str) -> str:
    """A stability level's colour as a list row's class: none for the usual "stable" (a row
    pill is green unless told otherwise), "warn", "bad", or "n" (neutral) for unknown."""
    tone = TONES[level].removeprefix("badge-") or "n"
    return "" if tone == "ok" else f' class="{tone}"'


def row_stability_html(view: StabilityView, now: datetime) -> str:
    """A list row's stability: the level, and for how long unless it is stable."""
    parts = [f"<b{_tone(view.level)}>{view.level}</b>"]
    if view.level != "stable":
        parts.append(_since_html(view, now))
    if view.is_odd:
        parts.append(f"<small>Powens sent “{esc((view.received or '')[:60])}”</small>")
    return " ".join(part for part in parts if part)
