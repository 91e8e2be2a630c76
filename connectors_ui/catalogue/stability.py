"""How stable a connector or a source is: one rule and one reading for every screen.

POWENS_API.md: connectors and sources carry an undocumented ``stability`` object,
``{"status": "stable" | "unstable" | "down" (open), "last_update": datetime}``, and a
connector's status is the worst of its enabled sources. We keep the connector's own field, the
verdict Powens gives; only when it carries no status do we apply that same rule to its enabled
sources ourselves. Anything else (no object, a status that is not a string, a value we do not
know) is the level "unknown": it never breaks a page, and the value received is kept so the
screen can say what Powens sent.

Connectors' and sources' stability is computed when the copy is written and stored in two
columns each (``stability_status``, ``stability_since``, see ``catalogue.columns``): the list's
index, its rows, the exports and the detail page read those, as they read the other flags,
without parsing JSON.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from connectors_ui.powens import parse as p
from connectors_ui.powens.enums import StabilityStatus

UNKNOWN = "unknown"
# Worst first: the list's stability sort, the filter's options, the "worst source" rule.
LEVELS = (StabilityStatus.DOWN.value, StabilityStatus.UNSTABLE.value, UNKNOWN, "stable")
SEVERITY = {level: rank for rank, level in enumerate(LEVELS)}
# The pill's colour; the word is always there too (colour never carries the meaning alone).
TONES = {"down": "badge-bad", "unstable": "badge-warn", UNKNOWN: "", "stable": "badge-ok"}
STATUS_MAX_LENGTH = 100  # the stored column's


def level_of(status: str | None) -> str:
    """The level a received status reads as: a known one (any case), else unknown."""
    level = status.strip().casefold() if status else UNKNOWN
    return level if level in SEVERITY else UNKNOWN


class StabilityView(NamedTuple):
    level: str  # one of LEVELS
    received: str | None  # the status as Powens sent it, when it sent a string
    since: datetime | None  # its ``last_update``

    @property
    def severity(self) -> int:
        return SEVERITY[self.level]

    @property
    def is_odd(self) -> bool:
        """Powens sent a status, but not one we know: the screen says which."""
        return self.level == UNKNOWN and bool(self.received)


NO_STABILITY = StabilityView(UNKNOWN, None, None)


def stability_view(status: str, since: datetime | None) -> StabilityView:
    """The view of a connector's stored columns (``""`` = no status received)."""
    return StabilityView(level_of(status), status or None, since)


def _since(value: Any) -> datetime | None:
    if isinstance(value, str):  # Powens' "YYYY-MM-DD HH:MM:SS" in UTC: the fast C parser first
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return p.as_datetime(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return None


def stability_of(value: Any) -> StabilityView:
    """The stability object of a connector or source (any JSON value: untrusted)."""
    if not isinstance(value, Mapping):
        return NO_STABILITY
    status = value.get("status")
    received = status.strip()[:STATUS_MAX_LENGTH] if isinstance(status, str) else ""
    return stability_view(received, _since(value.get("last_update")))


def connector_stability(own: Any, sources: Iterable[tuple[bool, StabilityView]]) -> StabilityView:
    """A connector's stability from its own ``stability`` object and its sources' as
    ``(disabled, view)`` pairs: its own when it has a status, else the worst of its enabled
    sources that have one (the contract's rule), else unknown."""
    mine = stability_of(own)
    if mine.received is not None:
        return mine
    seen = [view for disabled, view in sources if not disabled and view.received is not None]
    if not seen:
        return mine
    return min(seen, key=lambda view: view.severity)
