"""Changes made outside the dashboard (the Powens console, a script, Powens itself), found by a
refresh and put on the audit record as ``Action.OBSERVED_CHANGE``.

A refresh compares each connector Powens sent with our copy of it (``catalogue.sync``); the
connectors whose JSON differs come here as ``Revision``s. A connector's ``hidden`` flag or a
source's ``disabled`` state that moved is a state change; it is ours when one of our writes
since the previous refresh (succeeded, unknown, or still pending: in flight while the refresh
read the catalogue) set that same state, and someone else's otherwise. Our writes are reflected
in the copy at once, so most never show up here at all; those that do are writes whose answer
was lost or whose reflection failed.

Repeated refreshes never record one change twice: the next refresh compares with the copy this
one wrote, which already holds the new state, and each entry is keyed by target, transition
and the refresh that first saw it (``audit.services.audit_record_observations``).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from audit.models import Action, AuditEntry, Outcome
from audit.selectors import CHANGE_ACTIONS, domain_q, with_current_outcome
from audit.services import Observation, Target, audit_record_observations
from connectors_ui.catalogue.columns import sources_of
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import CatalogueSync

# Outcomes of ours that may explain a state the refresh finds (see the module docstring).
_OURS = (Outcome.SUCCEEDED, Outcome.UNKNOWN, Outcome.PENDING)


class Revision(NamedTuple):
    """One connector whose JSON the refresh found changed: the copy's version and Powens'."""

    pk: int
    uuid: str
    name: str
    old_hidden: bool
    new_hidden: bool
    old: Mapping[str, Any]
    new: Mapping[str, Any]


class _Move(NamedTuple):
    """A state change of one target: ``key`` is "hidden" (a connector) or "disabled" (a source),
    ``off`` whether the new state is hidden / disabled."""

    target: Target
    key: str
    before: Any
    after: Any
    off: bool


def _moves(revision: Revision) -> list[_Move]:
    """The connector's and its sources' state changes between the two versions. A source new
    or gone is not a state change (the catalogue's change records report those)."""
    moves = []
    if revision.old_hidden != revision.new_hidden:
        target = Target(revision.uuid, revision.name)
        moves.append(
            _Move(target, "hidden", revision.old_hidden, revision.new_hidden, revision.new_hidden)
        )
    if "sources" not in revision.new:
        return moves
    old = {s.source_id: s for s in sources_of(revision.old)}
    for source in sources_of(revision.new):
        was = old.get(source.source_id)
        if was is not None and was.disabled != source.disabled:
            target = Target(revision.uuid, revision.name, source.source_id, source.name[:64])
            before, after = was.raw.get("disabled"), source.raw.get("disabled")
            moves.append(_Move(target, "disabled", before, after, source.disabled))
    return moves


def _ours(uuids: Iterable[str], since: datetime | None) -> set[tuple[str, int | None, bool]]:
    """(connector, source, off) states our change entries on this domain set since ``since``
    (a connector has the same uuid on every domain: our disable on production explains
    nothing the sandbox's refresh finds)."""
    entries = AuditEntry.objects.filter(
        domain_q(current_domain_name()), action__in=CHANGE_ACTIONS, connector_uuid__in=set(uuids)
    )
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    rows = with_current_outcome(entries).filter(current_outcome__in=_OURS)
    states = set()
    for uuid, source_id, after in rows.values_list("connector_uuid", "source_id", "after"):
        if isinstance(after, Mapping) and ("hidden" in after or "disabled" in after):
            off = bool(after["hidden"]) if "hidden" in after else after["disabled"] is not None
            states.add((uuid, source_id, off))
    return states


def _summary(move: _Move, sync: CatalogueSync) -> str:
    """ "Connector disabled on this domain; found by catalogue refresh #12." (a source:
    "Source openapi disabled (2026-01-02 03:04:05); …"); the action says by whom."""
    state = "disabled" if move.off else "enabled"
    if move.key == "hidden":
        what = f"Connector {state} on this domain"
    else:
        when = f" ({move.after})" if move.off else ""
        what = f"Source {move.target.source_name or move.target.source_id} {state}{when}"
    return f"{what}; found by catalogue refresh #{sync.pk}."


def _observation(move: _Move, sync: CatalogueSync) -> Observation:
    t = move.target
    return Observation(
        target=t,
        before={move.key: move.before},
        after={move.key: move.after},
        key=f"{t.connector_uuid}/{t.source_id or '-'}:{move.before}->{move.after}@{sync.pk}",
        summary=_summary(move, sync),
        details={"sync": sync.pk, "detected_by": "catalogue refresh"},
    )


def observed_changes_record(
    *, sync: CatalogueSync, revisions: Sequence[Revision], since: datetime | None
) -> list[AuditEntry]:
    """Record the state changes in ``revisions`` that none of our writes since ``since`` (the
    previous refresh's start) explains; returns the entries appended. Runs inside the
    refresh's transaction: the entries commit with the copy they describe, or not at all."""
    moves = [move for revision in revisions for move in _moves(revision)]
    if not moves:
        return []
    ours = _ours((m.target.connector_uuid for m in moves), since)
    outside = [m for m in moves if (m.target.connector_uuid, m.target.source_id, m.off) not in ours]
    return audit_record_observations([_observation(m, sync) for m in outside])


def observed_changes_of(connector_uuid: str, *, limit: int = 3) -> list[AuditEntry]:
    """The latest changes found made outside the dashboard to this connector or its sources,
    newest first, for its page's summary: this domain's only."""
    entries = AuditEntry.objects.filter(
        domain_q(current_domain_name()),
        action=Action.OBSERVED_CHANGE,
        connector_uuid=connector_uuid,
    ).order_by("-seq")
    return list(entries[:limit])
