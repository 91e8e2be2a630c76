"""How stable a connector or a source is, read from the copy's stored JSON for every screen.

POWENS_API.md: connectors and sources carry an undocumented ``stability`` object,
``{"status": "stable" | "unstable" | "down" (open), "last_update": datetime}``, and a
connector's status is the worst of its enabled sources. We show the connector's own field, the
verdict Powens gives; only when it carries no status do we apply that same rule to its enabled
sources ourselves. Anything else (no object, a status that is not a string, a value we do not
know) is the level "unknown": it never breaks a page, and the value received is kept so the
screen can say what Powens sent.

``last_update`` is kept as received and parsed only where it is shown ("since"): the list's
index holds a level per connector and parsing 20,000 dates it never displays would cost more
than the rest of the level's reading.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from connectors_ui.powens import parse as p
from connectors_ui.powens.enums import StabilityStatus

UNKNOWN = "unknown"
# Worst first: the list's stability sort, the filter's options, the "worst source" rule.
LEVELS = (StabilityStatus.DOWN.value, StabilityStatus.UNSTABLE.value, UNKNOWN, "stable")
_SEVERITY = {level: rank for rank, level in enumerate(LEVELS)}
# The pill's colour; the word is always there too (colour never carries the meaning alone).
TONES = {"down": "badge-bad", "unstable": "badge-warn", UNKNOWN: "", "stable": "badge-ok"}


class StabilityView(NamedTuple):
    level: str  # one of LEVELS
    received: str | None  # the status as Powens sent it, when it sent a string
    last_update: Any  # as received; see ``since``

    @property
    def since(self) -> datetime | None:
        return p.as_datetime(self.last_update)

    @property
    def severity(self) -> int:
        return _SEVERITY[self.level]

    @property
    def is_odd(self) -> bool:
        """Powens sent a status, but not one we know: the screen says which."""
        return self.level == UNKNOWN and bool(self.received)


NO_STABILITY = StabilityView(UNKNOWN, None, None)


def stability_of(value: Any) -> StabilityView:
    """The stability object of a connector or source (any JSON value: untrusted)."""
    if not isinstance(value, Mapping):
        return NO_STABILITY
    status = value.get("status")
    received = status.strip() if isinstance(status, str) else None
    level = received.casefold() if received else UNKNOWN
    return StabilityView(
        level if level in _SEVERITY else UNKNOWN, received or None, value.get("last_update")
    )


def connector_stability(own: Any, sources: Iterable[tuple[bool, Any]]) -> StabilityView:
    """A connector's stability from its own ``stability`` and its sources' as
    ``(disabled, stability)`` pairs: its own when it has a status, else the worst of its
    enabled sources that have one (the contract's rule), else unknown."""
    mine = stability_of(own)
    if mine.received is not None:
        return mine
    enabled = (stability_of(value) for disabled, value in sources if not disabled)
    seen = [view for view in enabled if view.received is not None]
    if not seen:
        return mine
    return min(seen, key=lambda view: view.severity)
