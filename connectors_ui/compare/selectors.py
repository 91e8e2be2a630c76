"""What differs between two domains, read from each one's in-memory index (``catalogue``):
connectors listed on one only, enabled on one and disabled (hidden) on the other, and sources
enabled on one and disabled on the other. Connectors are matched by UUID (the same on every
domain), sources by name (their integer ids are per domain). No Powens call.

The differences of a pair of copies are computed once per pair of versions and kept, so
filtering and paging a comparison costs set operations only.
"""

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from connectors_ui.catalogue.search_index import CatalogueIndex
from connectors_ui.catalogue.selectors import catalogue_index, catalogue_status
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import Domain, domain_get
from connectors_ui.models import CatalogueConnector

KIND_LABELS = {
    "only_source": "Listed on the source only",
    "only_target": "Listed on the target only",
    "state": "Enabled on one, disabled on the other",
    "sources": "Sources enabled or disabled differently",
}
KINDS = tuple(KIND_LABELS)
PER_PAGE = 100


def _positions(mask: int) -> list[int]:
    return [i for i, bit in enumerate(bin(mask)[:1:-1]) if bit == "1"]


@dataclass(frozen=True)
class Snapshot:
    """One domain's copy as compare reads it, from its index."""

    version: str
    hidden: dict[str, bool]  # uuid -> hidden, connectors listed now (not removed)
    disabled: dict[str, frozenset[str]]  # uuid -> names of its disabled sources
    enabled: dict[str, frozenset[str]]  # uuid -> names of its enabled sources
    values: dict[str, dict[str, frozenset[str]]]  # "country"/"product" -> value -> uuids
    country_names: dict[str, str]


def _by_uuid(index: CatalogueIndex, masks: dict[str, int]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name, mask in masks.items():
        for i in _positions(mask):
            found.setdefault(index.uuids[i], set()).add(name)
    return {uuid: frozenset(names) for uuid, names in found.items()}


def _snapshot(index: CatalogueIndex) -> Snapshot:
    hidden = {index.uuids[i]: True for i in _positions(index.states["hidden"])}
    hidden |= {index.uuids[i]: False for i in _positions(index.states["enabled"])}
    values = {
        facet: {
            value: frozenset(index.uuids[i] for i in _positions(mask))
            for value, mask in index.values.get(facet, {}).items()
        }
        for facet in ("country", "product")
    }
    return Snapshot(
        index.version,
        hidden,
        _by_uuid(index, index.source_disabled),
        _by_uuid(index, index.source_enabled),
        values,
        dict(index.labels.get("country", {})),
    )


_snapshots: dict[str, Snapshot] = {}  # domain -> its snapshot, of its index's version
_pairs: dict[tuple[str, str], tuple["Difference", ...]] = {}  # (version, version) -> differences
_lock = threading.Lock()


def domain_snapshot(name: str) -> Snapshot:
    with domain_scope(name):
        index = catalogue_index(catalogue_status())
    with _lock:
        found = _snapshots.get(name)
        if found is None or found.version != index.version:
            found = _snapshots[name] = _snapshot(index)
        return found


@dataclass(frozen=True)
class SourceDifference:
    name: str
    disabled_on_source: bool
    disabled_on_target: bool


@dataclass(frozen=True)
class Difference:
    uuid: str
    kind: str  # one of KINDS
    source_hidden: bool | None  # None: not listed on that domain
    target_hidden: bool | None
    sources: tuple[SourceDifference, ...] = ()

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def promotable(self) -> bool:
        """Whether "make the target like the source" can be done by enabling or disabling
        the connector on the target (a connector the target does not list cannot be)."""
        return self.kind == "state"


def _source_differences(left: Snapshot, right: Snapshot, uuid: str) -> tuple:
    off_left, off_right = (
        left.disabled.get(uuid, frozenset()),
        right.disabled.get(uuid, frozenset()),
    )
    on_left, on_right = left.enabled.get(uuid, frozenset()), right.enabled.get(uuid, frozenset())
    differing = (off_left & on_right) | (on_left & off_right)
    return tuple(SourceDifference(n, n in off_left, n in off_right) for n in sorted(differing))


def _differences(left: Snapshot, right: Snapshot) -> list[Difference]:
    found = []
    for uuid in left.hidden.keys() - right.hidden.keys():
        found.append(Difference(uuid, "only_source", left.hidden[uuid], None))
    for uuid in right.hidden.keys() - left.hidden.keys():
        found.append(Difference(uuid, "only_target", None, right.hidden[uuid]))
    for uuid in left.hidden.keys() & right.hidden.keys():
        if left.hidden[uuid] != right.hidden[uuid]:
            found.append(Difference(uuid, "state", left.hidden[uuid], right.hidden[uuid]))
        if sources := _source_differences(left, right, uuid):
            found.append(
                Difference(uuid, "sources", left.hidden[uuid], right.hidden[uuid], sources)
            )
    return found


def _pair_differences(left: Snapshot, right: Snapshot) -> tuple[Difference, ...]:
    """The differences of two snapshots, computed once per pair of versions (a few kept)."""
    key = (left.version, right.version)
    with _lock:
        found = _pairs.get(key)
    if found is None:
        found = tuple(_differences(left, right))
        with _lock:
            if len(_pairs) >= 8:
                _pairs.clear()
            _pairs[key] = found
    return found


@dataclass(frozen=True)
class CompareQuery:
    source: str
    target: str
    country: str = ""
    product: str = ""
    kind: str = ""
    page: int = 1


@dataclass
class Comparison:
    query: CompareQuery
    source: Domain
    target: Domain
    total: int  # every difference, unfiltered
    counts: dict[str, int]  # per kind, with the country and product filters applied
    rows: list[Difference]  # all matching the filters, in name order
    names: dict[str, str] = field(default_factory=dict)  # uuid -> name
    countries: list[tuple[str, str]] = field(default_factory=list)
    products: list[str] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, -(-len(self.rows) // PER_PAGE))

    @property
    def page(self) -> int:
        return min(max(1, self.query.page), self.num_pages)

    @property
    def page_rows(self) -> list[tuple[Difference, str]]:
        """This page's differences, each with its connector's name."""
        start = (self.page - 1) * PER_PAGE
        return [(d, self.names.get(d.uuid, "")) for d in self.rows[start : start + PER_PAGE]]


def _matching(
    differences: Iterable[Difference], left: Snapshot, right: Snapshot, query: CompareQuery
) -> list[Difference]:
    """The differences of connectors with the query's country and product (on either domain)."""
    kept = list(differences)
    for facet, value in (("country", query.country), ("product", query.product)):
        if value:
            uuids = left.values[facet].get(value, frozenset()) | right.values[facet].get(
                value, frozenset()
            )
            kept = [d for d in kept if d.uuid in uuids]
    return kept


def connector_names(uuids: Sequence[str], *, domains: Sequence[str]) -> dict[str, str]:
    """Names of these connectors, from the first domain's copy that has each."""
    names: dict[str, str] = {}
    for name in reversed(domains):
        with domain_scope(name):
            for start in range(0, len(uuids), 2000):
                rows = CatalogueConnector.objects.filter(uuid__in=uuids[start : start + 2000])
                names.update(rows.values_list("uuid", "name"))
    return names


def domain_differences(*, source: str, target: str) -> tuple[Difference, ...]:
    """Every difference between two domains' local copies, unfiltered: what the page lists
    and the scheduled drift check watches (``catalogue.drift``)."""
    return _pair_differences(domain_snapshot(source), domain_snapshot(target))


def compare_domains(query: CompareQuery) -> Comparison:
    """The comparison ``query`` asks for; ``UnknownDomain`` for a domain not configured."""
    source, target = domain_get(query.source), domain_get(query.target)
    left, right = domain_snapshot(source.name), domain_snapshot(target.name)
    differences = _pair_differences(left, right)
    matching = _matching(differences, left, right, query)
    counts = {kind: sum(1 for d in matching if d.kind == kind) for kind in KINDS}
    rows = [d for d in matching if not query.kind or d.kind == query.kind]
    names = connector_names([d.uuid for d in rows], domains=[source.name, target.name])
    rows.sort(key=lambda d: (names.get(d.uuid, "").casefold(), d.uuid, KINDS.index(d.kind)))
    comparison = Comparison(query, source, target, len(differences), counts, rows, names)
    labels = left.country_names | right.country_names
    comparison.countries = sorted(labels.items(), key=lambda item: item[1])
    comparison.products = sorted(set(left.values["product"]) | set(right.values["product"]))
    return comparison
