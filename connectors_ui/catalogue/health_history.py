"""Health history: each connector's and source's stability over time, and its 30-day timeline.

A refresh records a ``HealthTransition`` only when a target's stability status differs from the
copy's (transitions only): a connector new to the copy gets its first row, a changed one
(``observed.Revision``) a row per target whose status moved. Unchanged connectors cost nothing,
so a refresh of 20,000 connectors writes a handful of rows. The timeline is drawn from those
rows: before the first one the window says "no record", except that a target with no row at
all is shown with its current status since Powens' ``last_update`` (what Powens itself says).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from connectors_ui.catalogue.columns import sources_of, stability_of_raw
from connectors_ui.catalogue.mirror import BATCH
from connectors_ui.catalogue.observed import Revision
from connectors_ui.catalogue.stability import level_of
from connectors_ui.models import (
    CatalogueConnector,
    CatalogueSource,
    CatalogueSync,
    HealthTransition,
)

WINDOW_DAYS = 30
WINDOW_HOURS = WINDOW_DAYS * 24  # the timeline's SVG width: one unit per hour
NO_RECORD = "none"


def _statuses(raw: Mapping[str, Any]) -> dict[int | None, tuple[str, datetime | None]]:
    """(status, since) of the connector (key None) and of each of its sources (by id)."""
    own = stability_of_raw(raw)
    found: dict[int | None, tuple[str, datetime | None]] = {None: (own.received or "", own.since)}
    if "sources" in raw:
        for source in sources_of(raw):
            found[source.source_id] = (source.stability_status, source.stability_since)
    return found


def _transitions(
    pk: int, old: Mapping[str, Any] | None, new: Mapping[str, Any], *, sync: CatalogueSync
) -> list[HealthTransition]:
    before = _statuses(old) if old is not None else {}
    return [
        HealthTransition(
            connector_id=pk,
            source_id=target,
            status=status,
            since=since,
            seen_at=sync.started_at,
            sync=sync,
        )
        for target, (status, since) in _statuses(new).items()
        if target not in before or before[target][0] != status
    ]


def health_record(
    *,
    sync: CatalogueSync,
    added: Iterable[CatalogueConnector],
    revisions: Sequence[Revision],
) -> int:
    """Record the transitions a refresh found: every target of the connectors it ``added``,
    the targets whose status moved in its ``revisions``. Returns how many rows it wrote."""
    rows = [t for row in added for t in _transitions(row.pk, None, row.raw, sync=sync)]
    rows += [t for r in revisions for t in _transitions(r.pk, r.old, r.new, sync=sync)]
    HealthTransition.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- The timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of the window with one status; ``x`` and ``width`` in hours from its start."""

    x: float
    width: float
    level: str  # a stability level, or NO_RECORD
    status: str  # as Powens sent it
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        word = "no record" if self.level == NO_RECORD else (self.status or "no status")
        return f"{word} from {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class TimelineRow:
    label: str  # "Connector" or the source's name
    segments: list[Segment]

    @property
    def not_stable_hours(self) -> int:
        """Hours the target was unstable or down in the window."""
        bad = ("unstable", "down")
        return round(sum(s.width for s in self.segments if s.level in bad))


def _segments(
    points: Sequence[tuple[datetime, str | None]], *, start: datetime, now: datetime
) -> list[Segment]:
    """Segments from ``points`` (when a status began, ``None`` = no record), in time order."""
    segments = []
    for (begin, status), (end, _) in zip(points, [*points[1:], (now, None)], strict=True):
        begin = max(begin, start)
        if end <= begin:
            continue
        level = NO_RECORD if status is None else level_of(status)
        x = (begin - start).total_seconds() / 3600
        width = (end - begin).total_seconds() / 3600
        segments.append(Segment(x, width, level, status or "", begin, end))
    return segments


def _points(
    rows: Sequence[HealthTransition], current: tuple[str, datetime | None], start: datetime
) -> list[tuple[datetime, str | None]]:
    """When each status began, the window's start first (its status the latest row before it,
    else no record). A target without any row: its current status since Powens says so."""
    if not rows:
        status, since = current
        began = since if since is not None and since > start else start
        return [(start, None), (began, status)]
    earlier = [r for r in rows if r.seen_at < start]
    first = earlier[-1].status if earlier else None
    return [(start, first), *((r.seen_at, r.status) for r in rows if r.seen_at >= start)]


def health_timeline(connector: CatalogueConnector, *, now: datetime) -> list[TimelineRow]:
    """The last ``WINDOW_DAYS`` of the connector and of each of its current sources."""
    start = now - timedelta(days=WINDOW_DAYS)
    by_target: dict[int | None, list[HealthTransition]] = {}
    for row in HealthTransition.objects.filter(connector=connector).order_by("seen_at", "id"):
        by_target.setdefault(row.source_id, []).append(row)
    current: dict[int | None, tuple[str, datetime | None]] = {
        None: (connector.stability_status, connector.stability_since)
    }
    labels: dict[int | None, str] = {None: "Connector"}
    for source in connector.sources.all():
        current[source.source_id] = (source.stability_status, source.stability_since)
        labels[source.source_id] = f"Source {source.name}"
    return [
        TimelineRow(
            labels[target],
            _segments(_points(by_target.get(target, []), status, start), start=start, now=now),
        )
        for target, status in current.items()
    ]


def health_at_change(connector_uuid: str, source_id: int | None) -> dict[str, Any]:
    """``{"stability": {"status", "since"}}`` of the target as the copy has it now, for the
    details of a change's audit entries (was it down when someone disabled it?); empty when
    the copy does not know the target."""
    rows: QuerySet[Any] = (
        CatalogueConnector.objects.filter(uuid=connector_uuid)
        if source_id is None
        else CatalogueSource.objects.filter(connector__uuid=connector_uuid, source_id=source_id)
    )
    found = rows.values_list("stability_status", "stability_since").first()
    if found is None:
        return {}
    status, since = found
    return {"stability": {"status": status, "since": since.isoformat() if since else None}}
