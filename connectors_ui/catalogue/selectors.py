"""Reads of the local catalogue copy: freshness, list (search → filter → facets → sort → page),
detail. The list runs on the in-memory index (see catalogue_index) and then loads only the
visible page's rows; nothing here calls Powens.
"""

import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from connectors_ui.catalogue.columns import PLAIN_COLUMNS
from connectors_ui.catalogue.search_index import (
    STABILITIES,
    STATE_LABELS,
    STATES,
    VALUE_FACETS,
    YES_NO_FACETS,
    CatalogueIndex,
    bits_of,
    build_index,
    canonical_uuid,
    normalise,
)
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import (
    CatalogueChange,
    CatalogueConnector,
    CatalogueSource,
    CatalogueState,
    CatalogueSync,
)

PER_PAGE = 50
YES_NO = ("yes", "no")
# What a list page row shows: no raw JSON, nor the lists it does not show.
LIST_COLUMNS = (*PLAIN_COLUMNS, "color", "products", "countries")


@dataclass(frozen=True)
class CatalogueStatus:
    """How fresh the local copy is, for the freshness line, the banner and the auto refresh."""

    version: str
    last_success: CatalogueSync | None
    last_attempt: CatalogueSync | None
    refreshing: bool
    interval: timedelta

    @property
    def refreshed_at(self) -> datetime | None:
        return self.last_success.finished_at if self.last_success else None

    @property
    def is_stale(self) -> bool:
        return self.refreshed_at is None or self.refreshed_at < timezone.now() - self.interval

    @property
    def failed(self) -> CatalogueSync | None:
        """The last attempt, when it failed (the copy shown is then older than that attempt)."""
        attempt = self.last_attempt
        return (
            attempt
            if attempt is not None and attempt.status == CatalogueSync.Status.FAILED
            else None
        )

    @property
    def auto_refresh(self) -> bool:
        """Whether a page finding the copy stale starts a refresh (CATALOGUE_AUTO_REFRESH)."""
        return settings.CATALOGUE_AUTO_REFRESH != "off"

    @property
    def retry_at(self) -> datetime | None:
        """After a failed attempt, when a page may start the next one (an outage is not
        hammered); None when the last attempt did not fail."""
        failed = self.failed
        if failed is None:
            return None
        return failed.started_at + timedelta(seconds=settings.CATALOGUE_RETRY_AFTER)

    def news_since(self, since: str) -> CatalogueSync | None:
        """The refresh that succeeded after the page showing copy ``since`` (the pk of its
        last success, "" for none) was rendered, if it changed anything the page may show."""
        success = self.last_success
        if success is None or str(success.pk) == since or not success.changed_anything:
            return None
        return success


def catalogue_status() -> CatalogueStatus:
    """One query: the state row with its two latest syncs."""
    state = CatalogueState.objects.select_related("last_success", "last_attempt").first()
    interval = timedelta(seconds=settings.CATALOGUE_REFRESH_INTERVAL)
    if state is None:
        return CatalogueStatus("", None, None, False, interval)
    refreshing = bool(state.lock_token) and bool(
        state.lock_expires_at and state.lock_expires_at > timezone.now()
    )
    return CatalogueStatus(
        state.version, state.last_success, state.last_attempt, refreshing, interval
    )


# One index per domain, each the current version of that domain's copy.
_indexes: dict[str, CatalogueIndex] = {}
_index_lock = threading.Lock()


def catalogue_index(version: str) -> CatalogueIndex:
    """This process's index for ``version`` of the current domain's copy, built at most once
    per version."""
    domain = current_domain_name()
    current = _indexes.get(domain)
    if current is not None and current.version == version:
        return current
    with _index_lock:
        current = _indexes.get(domain)
        if current is None or current.version != version:
            current = _indexes[domain] = build_index(version)
        return current


@dataclass(frozen=True)
class CatalogueQuery:
    """A validated list query (see ConnectorFilterForm); None = filter not applied."""

    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class ConnectorPage:
    total: int
    page: int
    num_pages: int
    rows: list[CatalogueConnector]
    facets: dict[str, list[FacetOption]]
    exact: CatalogueConnector | None = None
    notices: list[str] = field(default_factory=list)
    start: int = 0

    @property
    def end(self) -> int:
        return self.start + len(self.rows)


def _source_mask(index: CatalogueIndex, source: str | None, disabled: str | None) -> int:
    if source and disabled:
        table = index.source_disabled if disabled == "yes" else index.source_enabled
        return table.get(source, 0)
    if source:
        return index.values["source"].get(source, 0)
    if disabled == "yes":
        return index.any_disabled_source
    if disabled == "no":
        return index.all & ~index.any_disabled_source
    return index.all


def _filter_masks(index: CatalogueIndex, query: CatalogueQuery) -> dict[str, int]:
    """One mask per applied filter; 'state' is always present (removed ones hidden by default)."""
    f = query.filters
    masks = {facet: index.values[facet].get(f[facet], 0) for facet in VALUE_FACETS if f.get(facet)}
    masks.pop("source", None)
    if f.get("source") or f.get("source_disabled"):
        masks["source"] = _source_mask(index, f.get("source"), f.get("source_disabled"))
    for facet in YES_NO_FACETS:
        if f.get(facet):
            bits = index.yes[facet]
            masks[facet] = bits if f[facet] == "yes" else index.all & ~bits
    state = f.get("state")
    masks["state"] = index.states[state] if state else index.all & ~index.states["removed"]
    if f.get("stability"):
        masks["stability"] = index.stabilities[f["stability"]]
    if f.get("unstable_hours"):
        masks["unstable_hours"] = _unstable_mask(index, int(f["unstable_hours"]))
    if query.q:
        masks["q"] = index.search(query.q)
    return masks


def _unstable_mask(index: CatalogueIndex, hours: int) -> int:
    """Connectors unstable or down whose status dates from more than ``hours`` ago (the
    stored ``stability_since``: one query, as the index holds no dates)."""
    bad = index.stabilities["unstable"] | index.stabilities["down"]
    cutoff = timezone.now() - timedelta(hours=hours)
    pks = CatalogueConnector.objects.filter(stability_since__lte=cutoff).values_list(
        "pk", flat=True
    )
    position = {pk: i for i, pk in enumerate(index.pks)}
    return bad & bits_of((position[pk] for pk in pks if pk in position), index.size)


def _and(index: CatalogueIndex, masks: dict[str, int], *, without: str = "") -> int:
    result = index.all
    for name, mask in masks.items():
        if name != without:
            result &= mask
    return result


def _facets(
    index: CatalogueIndex, query: CatalogueQuery, masks: dict[str, int]
) -> dict[str, list[FacetOption]]:
    """Each facet counted with every *other* filter applied, as shoppers expect."""
    f = query.filters
    facets: dict[str, list[FacetOption]] = {}
    for facet in ("country", "product", "capability", "auth"):
        others = _and(index, masks, without=facet)
        labels = index.labels.get(facet, {})
        facets[facet] = sorted(
            (
                FacetOption(v, labels.get(v, v), (others & bits).bit_count(), f.get(facet) == v)
                for v, bits in index.values[facet].items()
            ),
            key=lambda o: (o.label.casefold(), o.value),
        )
    others = _and(index, masks, without="source")
    facets["source"] = [
        FacetOption(
            v,
            v,
            (others & _source_mask(index, v, f.get("source_disabled"))).bit_count(),
            f.get("source") == v,
        )
        for v in sorted(index.values["source"])
    ]
    facets["source_disabled"] = [
        FacetOption(
            v,
            v,
            (others & _source_mask(index, f.get("source"), v)).bit_count(),
            f.get("source_disabled") == v,
        )
        for v in YES_NO
    ]
    others = _and(index, masks, without="state")
    facets["state"] = [
        FacetOption(s, STATE_LABELS[s], (others & index.states[s]).bit_count(), f.get("state") == s)
        for s in STATES
    ]
    others = _and(index, masks, without="stability")
    facets["stability"] = [
        FacetOption(
            level,
            level,
            (others & index.stabilities[level]).bit_count(),
            f.get("stability") == level,
        )
        for level in STABILITIES
    ]
    for facet in YES_NO_FACETS:
        others = _and(index, masks, without=facet)
        yes = (others & index.yes[facet]).bit_count()
        facets[facet] = [
            FacetOption("yes", "yes", yes, f.get(facet) == "yes"),
            FacetOption("no", "no", others.bit_count() - yes, f.get(facet) == "no"),
        ]
    return facets


def catalogue_known_values(status: CatalogueStatus | None = None) -> dict[str, set[str]]:
    """The values each open-enum filter can take in the current copy (for form validation)."""
    index = catalogue_index((status or catalogue_status()).version)
    return {facet: set(index.values[facet]) for facet in VALUE_FACETS}


def _matching(
    query: CatalogueQuery, status: CatalogueStatus | None
) -> tuple[CatalogueIndex, int, dict[str, int]]:
    index = catalogue_index((status or catalogue_status()).version)
    masks = _filter_masks(index, query)
    return index, _and(index, masks), masks


def connector_search(
    query: CatalogueQuery,
    *,
    page: int = 1,
    status: CatalogueStatus | None = None,
    per_page: int = PER_PAGE,
) -> ConnectorPage:
    """One page of connectors matching ``query``, with total, facet counts and exact match."""
    index, mask, masks = _matching(query, status)
    total = mask.bit_count()
    num_pages = max(1, math.ceil(total / per_page))
    notices = []
    if query.q and not normalise(query.q):  # "%", "_", "'": no letter or digit to look for
        notices.append(f"Nothing to search for in “{query.q}”: showing all connectors.")
    if page < 1:
        notices.append("Pages start at 1: showing page 1.")
        page = 1
    elif page > num_pages:
        notices.append(f"There is no page {page}: showing page {num_pages}, the last one.")
        page = num_pages
    start = (page - 1) * per_page
    positions = index.ordered(mask, query.sort, query.descending, start, start + per_page)
    exact_position = index.exact(query.q) if query.q else None
    wanted = [index.pks[i] for i in positions]
    if exact_position is not None:
        wanted.append(index.pks[exact_position])
    rows = _load_rows(wanted)
    return ConnectorPage(
        total=total,
        page=page,
        num_pages=num_pages,
        start=start,
        rows=[rows[index.pks[i]] for i in positions if index.pks[i] in rows],
        facets=_facets(index, query, masks),
        exact=rows.get(index.pks[exact_position]) if exact_position is not None else None,
        notices=notices,
    )


def _all_positions(
    query: CatalogueQuery, status: CatalogueStatus | None
) -> tuple[CatalogueIndex, list[int]]:
    """The index and every matching position in list order, unpaginated."""
    index, mask, _ = _matching(query, status)
    return index, index.ordered(mask, query.sort, query.descending, 0, index.size)


def connector_search_uuids(
    query: CatalogueQuery, *, status: CatalogueStatus | None = None
) -> list[str]:
    """Every matching connector's UUID in list order (CSV exports and batch selections)."""
    index, positions = _all_positions(query, status)
    return [index.uuids[i] for i in positions]


def connector_search_pks(
    query: CatalogueQuery, *, status: CatalogueStatus | None = None
) -> list[int]:
    """Every matching connector's primary key in list order, unpaginated: CSV exports read
    the rows chunk by chunk (by key, cheaper than by UUID) so memory stays flat."""
    index, positions = _all_positions(query, status)
    return [index.pks[i] for i in positions]


def connector_matches(
    query: CatalogueQuery, uuid: str, *, status: CatalogueStatus | None = None
) -> bool:
    """Whether ``uuid`` is in ``query``'s result now: a list row just toggled may have left its
    filter (disabled under state=enabled) and says so instead of vanishing."""
    index, mask, _ = _matching(query, status)
    position = index.by_uuid.get(uuid)
    return position is not None and bool(mask >> position & 1)


@dataclass(frozen=True)
class SourceBadge:
    name: str
    disabled: bool
    priority: int | None


def _load_rows(pks: list[int]) -> dict[int, CatalogueConnector]:
    """The page's rows without their raw JSON; ``row.source_badges`` lists their sources.

    Two plain queries: a prefetch would build a model instance per source for a badge.
    """
    queryset = CatalogueConnector.objects.filter(pk__in=pks).only(*LIST_COLUMNS)
    rows = {row.pk: row for row in queryset}
    badges: defaultdict[int, list[SourceBadge]] = defaultdict(list)
    sources = CatalogueSource.objects.filter(connector_id__in=pks).order_by("priority", "source_id")
    for connector_id, name, disabled, priority in sources.values_list(
        "connector_id", "name", "disabled", "priority"
    ):
        badges[connector_id].append(SourceBadge(name, disabled, priority))
    for row in rows.values():
        # The template reads the badges from the row itself; the model has no such field.
        row.source_badges = badges[row.pk]  # type: ignore[attr-defined]
    return rows


def connector_find(ref: str) -> CatalogueConnector | None:
    """A connector by UUID (any case, with or without hyphens) or integer id; None when the copy
    has no such connector."""
    ref = canonical_uuid(ref)
    if "\x00" in ref:  # PostgreSQL refuses NUL in text: a 500 instead of "not found"
        return None
    if ref.isdecimal():  # not isdigit(): "¹" is a digit that int() refuses
        if len(ref.lstrip("0")) > 19:  # past BIGINT; int() refuses over 4,300 digits (a 500)
            return None
        return (
            CatalogueConnector.objects.filter(powens_id=int(ref))
            .order_by("removed_at", "pk")
            .first()
        )
    return CatalogueConnector.objects.filter(uuid=ref).prefetch_related("sources").first()


def connector_changes(connector: CatalogueConnector, *, limit: int = 50) -> list[CatalogueChange]:
    """The latest catalogue changes seen for a connector, newest first."""
    return list(connector.changes.select_related("sync")[:limit])
