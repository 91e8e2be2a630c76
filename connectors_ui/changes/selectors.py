"""Which targets have an unknown state, for the pages that show them (list rows, the detail
page, a batch's result): a change Powens did not clearly answer and that could not be read
back, so the local copy may still show the state from before it. Derived from the audit log:
the target's change entries still ``unknown``, or ``pending`` past the in-flight window (the
process died); one query for all the targets of a page.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.roles import Role, role_of
from accounts.scope import scope_name
from audit.models import AuditEntry, Outcome
from audit.selectors import BatchSummary, audit_unresolved, domain_q
from audit.services import IN_FLIGHT_SECONDS, Actor
from connectors_ui.changes.claims import Key
from connectors_ui.models import CatalogueConnector


@dataclass(frozen=True)
class UnknownState:
    """A target whose state is unknown since ``since``, because of changes made by
    ``authors`` (user ids; their names in ``author_names``)."""

    since: datetime
    authors: frozenset[int]
    author_names: tuple[str, ...]

    def may_check(self, user: Actor) -> bool:
        """Whether ``user`` may use "Check again": one of the authors, or an admin (the
        service enforces the same rule)."""
        if user is None or not user.is_authenticated:
            return False
        return role_of(user) >= Role.ADMIN or user.pk in self.authors


def unknown_state_from(rows: Iterable[tuple[datetime, int | None, str]]) -> UnknownState:
    """The unknown state left by unresolved changes, given as (created_at, actor id, actor
    username)."""
    rows = list(rows)
    return UnknownState(
        since=min(created for created, _, _ in rows),
        authors=frozenset(actor for _, actor, _ in rows if actor is not None),
        author_names=tuple(dict.fromkeys(name for _, _, name in rows if name)),
    )


def unknown_states(connector_uuids: Iterable[str]) -> dict[Key, UnknownState]:
    """The targets of these connectors (the connectors and their sources) whose state is
    unknown, in one query."""
    entries = audit_unresolved(min_age_seconds=IN_FLIGHT_SECONDS).filter(
        domain_q(scope_name()), connector_uuid__in=set(connector_uuids)
    )
    found: dict[Key, list[tuple[datetime, int | None, str]]] = defaultdict(list)
    for uuid, source_id, created_at, actor_id, username in entries.values_list(
        "connector_uuid", "source_id", "created_at", "actor_id", "actor_username"
    ):
        found[(uuid, source_id)].append((created_at, actor_id, username))
    return {key: unknown_state_from(rows) for key, rows in found.items()}


def connectors_mark_unknown(connectors: Iterable[CatalogueConnector]) -> None:
    """Set ``unknown_states`` ({source id or None: UnknownState}) on each connector, in one
    query for all of them: a page marks its rows once, then each row asks for free. Rows that
    know they have no unresolved change (``has_unresolved_change``, the list's) need none."""
    connectors = list(connectors)
    suspects = [c for c in connectors if getattr(c, "has_unresolved_change", True)]
    found = unknown_states(c.uuid for c in suspects) if suspects else {}
    by_connector: dict[str, dict[int | None, UnknownState]] = defaultdict(dict)
    for (uuid, source_id), state in found.items():
        by_connector[uuid][source_id] = state
    for connector in connectors:
        connector.unknown_states = by_connector.get(connector.uuid, {})  # type: ignore[attr-defined]


def unknown_state_of(
    connector: CatalogueConnector, source_id: int | None = None
) -> UnknownState | None:
    """The connector's (or one of its sources') unknown state, if any; the first call on a
    connector not marked yet marks it (one query for it and its sources)."""
    if "unknown_states" not in vars(connector):
        connectors_mark_unknown([connector])
    return vars(connector)["unknown_states"].get(source_id)


def batch_unknown(summary: BatchSummary) -> list[AuditEntry]:
    """The entries of a batch whose connector's state is unknown (no query: the summary has
    every entry's current outcome)."""
    cutoff = timezone.now() - timedelta(seconds=IN_FLIGHT_SECONDS)
    return [
        entry
        for entry in summary.entries
        if entry.current_outcome == Outcome.UNKNOWN
        or (entry.current_outcome == Outcome.PENDING and entry.created_at <= cutoff)
    ]


def batch_unknown_state(entries: list[AuditEntry]) -> UnknownState | None:
    """The unknown state ``batch_unknown`` found, as a row or the detail page shows it."""
    if not entries:
        return None
    return unknown_state_from((e.created_at, e.actor_id, e.actor_username) for e in entries)
