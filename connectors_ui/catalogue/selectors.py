"""Reads of the local catalogue copy: freshness, list (search → filter → facets → sort → page),
detail. The list runs on the in-memory index (see catalogue_index) and then loads only the
visible page's rows; nothing here calls Powens.
"""

import math
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from audit.services import IN_FLIGHT_SECONDS
from connectors_ui.catalogue.columns import PLAIN_COLUMNS
from connectors_ui.catalogue.filtering import (
    CatalogueQuery,
    FacetOption,
    facets_count,
    filter_masks,
    masks_and,
)
from connectors_ui.catalogue.fuzzy import fuzzy_index
from connectors_ui.catalogue.list_rows import list_rows
from connectors_ui.catalogue.search_index import (
    VALUE_FACETS,
    CatalogueIndex,
    bits_of,
    build_index,
    canonical_uuid,
    index_entries,
    normalise,
)
from connectors_ui.catalogue.state_read import state_with_syncs
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import (
    CatalogueChange,
    CatalogueConnector,
    CatalogueSync,
)

PER_PAGE = 50
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
    # Where the copy is at, for the search index (see CatalogueState).
    generation: str = ""
    serial: int = 0
    # A refresh waits for the worker (``refreshing`` is then true too).
    queued: bool = False

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
    """The state row with its two latest syncs: one query once they have finished
    (``catalogue.state_read``)."""
    read = state_with_syncs()
    interval = timedelta(seconds=settings.CATALOGUE_REFRESH_INTERVAL)
    if read is None:
        return CatalogueStatus("", None, None, False, interval)
    state, last_success, last_attempt = read
    now = timezone.now()
    running = bool(state.lock_token) and bool(state.lock_expires_at and state.lock_expires_at > now)
    # Queued for the worker and not started: for as long as a lease, past which it is lost.
    lease = timedelta(seconds=settings.CATALOGUE_REFRESH_LEASE)
    queued = state.refresh_queued_at is not None and state.refresh_queued_at > now - lease
    refreshing = running or queued
    return CatalogueStatus(
        state.version,
        last_success,
        last_attempt,
        refreshing,
        interval,
        state.generation,
        state.serial,
        queued,
    )


# One index per domain, each the current version of that domain's copy.
_indexes: dict[str, CatalogueIndex] = {}
_index_lock = threading.Lock()


def catalogue_index(status: CatalogueStatus) -> CatalogueIndex:
    """This process's index of the current domain's copy, as ``status`` describes it: patched
    with the rows our own writes changed since it was made, rebuilt only after a refresh (a
    new generation)."""
    domain = current_domain_name()
    current = _indexes.get(domain)
    if current is not None and current.version == status.version:
        return current
    with _index_lock:
        current = _indexes.get(domain)
        if current is None or current.version != status.version:
            current = _indexes[domain] = _index_for(current, status)
        return current


def _index_for(current: CatalogueIndex | None, status: CatalogueStatus) -> CatalogueIndex:
    """A patched copy of ``current`` when only our own writes changed the copy since, else a
    new build. An index ahead of ``status`` (patched inside a write's transaction that was
    then rolled back, or by a request that read the state just after this one) is rebuilt,
    to be safe: it may hold rows that were never committed."""
    if (
        current is not None
        and current.generation == status.generation
        and current.serial < status.serial
    ):
        changed = index_entries(since_serial=current.serial)
        return current.patched(changed, version=status.version, serial=status.serial)
    return build_index(status.version, generation=status.generation, serial=status.serial)


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
    suggestion: "Suggestion | None" = None
    # What the page may keep of itself for this copy (``templatetags.list_fragments``).
    fragments: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def end(self) -> int:
        return self.start + len(self.rows)


def catalogue_known_values(status: CatalogueStatus | None = None) -> dict[str, set[str]]:
    """The values each open-enum filter can take in the current copy (for form validation)."""
    index = catalogue_index(status or catalogue_status())
    return {facet: set(index.values[facet]) for facet in VALUE_FACETS}


@dataclass(frozen=True)
class Matching:
    """Where a query's connectors are: the index, the mask of matches, one mask per filter,
    and the connectors found by a name they had before (position -> that name)."""

    index: CatalogueIndex
    mask: int
    masks: dict[str, int]
    formerly: dict[int, str]


def _matching(query: CatalogueQuery, status: CatalogueStatus | None) -> Matching:
    index = catalogue_index(status or catalogue_status())
    formerly = fuzzy_index(index).formerly(query.q) if query.q else {}
    masks = filter_masks(index, query, bits_of(formerly, index.size) if formerly else 0)
    return Matching(index, masks_and(index, masks), masks, formerly)


@dataclass(frozen=True)
class Suggestion:
    """ "Did you mean": the corrected search, how many connectors it finds with the same
    filters, and the first few of them."""

    q: str
    total: int
    rows: list[CatalogueConnector]


SUGGESTED_ROWS = 5


def _suggestion(query: CatalogueQuery, found: Matching) -> Suggestion | None:
    """When the words typed find nothing, the closest catalogue words and what they find."""
    if not query.q or found.mask:
        return None
    corrected = fuzzy_index(found.index).correct(query.q)
    if corrected is None:
        return None
    masks = filter_masks(found.index, replace(query, q=corrected))
    mask = masks_and(found.index, masks)
    if not mask:
        return None
    positions = found.index.ordered(mask, query.sort, query.descending, 0, SUGGESTED_ROWS)
    rows = _load_rows(found.index, list(positions))
    shown = [rows[found.index.pks[i]] for i in positions if found.index.pks[i] in rows]
    return Suggestion(corrected, mask.bit_count(), shown)


def connector_search(
    query: CatalogueQuery,
    *,
    page: int = 1,
    status: CatalogueStatus | None = None,
    per_page: int = PER_PAGE,
) -> ConnectorPage:
    """One page of connectors matching ``query``, with total, facet counts, exact match, the
    previous name each row was found by, and a "did you mean" when nothing matches."""
    found = _matching(query, status)
    index, mask = found.index, found.mask
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
    wanted = [*positions, *([] if exact_position is None else [exact_position])]
    rows = _load_rows(index, wanted)
    _mark_formerly(found, positions, rows, query.q)
    return ConnectorPage(
        total=total,
        page=page,
        num_pages=num_pages,
        start=start,
        rows=[rows[index.pks[i]] for i in positions if index.pks[i] in rows],
        facets=facets_count(index, query, found.masks),
        exact=rows.get(index.pks[exact_position]) if exact_position is not None else None,
        notices=notices,
        suggestion=_suggestion(query, found),
        fragments=index.fragments,
    )


def _mark_formerly(
    found: Matching, positions: list[int], rows: dict[int, CatalogueConnector], q: str
) -> None:
    """``row.formerly``: the previous name a row was found by, when its name does not match
    (the row says why it is in the list)."""
    if not found.formerly:
        return
    by_name = found.index.search(q)
    for i in positions:
        row = rows.get(found.index.pks[i])
        if row is not None and i in found.formerly and not by_name >> i & 1:
            row.formerly = found.formerly[i]  # type: ignore[attr-defined]  # read by the row


def _all_positions(
    query: CatalogueQuery, status: CatalogueStatus | None
) -> tuple[CatalogueIndex, list[int]]:
    """The index and every matching position in list order, unpaginated."""
    found = _matching(query, status)
    return found.index, found.index.ordered(
        found.mask, query.sort, query.descending, 0, found.index.size
    )


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
    found = _matching(query, status)
    position = found.index.by_uuid.get(uuid)
    return position is not None and bool(found.mask >> position & 1)


def _load_rows(index: CatalogueIndex, positions: list[int]) -> dict[int, CatalogueConnector]:
    """The rows at ``positions`` without their raw JSON (``catalogue.list_rows``): one query,
    which reads only whether a change of each may have left its state unknown once the index
    holds them (the page asks for the details only then)."""
    in_flight = timezone.now() - timedelta(seconds=IN_FLIGHT_SECONDS)
    return list_rows(index, positions, columns=LIST_COLUMNS, cutoff=in_flight)


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
