"""A per-process, in-memory index of the local catalogue copy, rebuilt when the copy changes.

Why: support staff search as they type over up to ~20,000 connectors with facet counts.
SQL LIKE over JSON columns plus a COUNT per facet option is far too slow for that. Here each
connector is a position ``i``; each filter value is a bitset (a Python int whose bit ``i`` is
set when connector ``i`` matches), so filtering is ``&`` and a facet count is
``(mask & bits).bit_count()``. Sort orders are precomputed position lists.
"""

import re
import unicodedata
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from connectors_ui.catalogue.columns import ListedConnector
from connectors_ui.catalogue.stability import LEVELS as STABILITIES
from connectors_ui.catalogue.stability import SEVERITY, level_of
from connectors_ui.models import CatalogueConnector, CatalogueSource

YES_NO_FACETS = ("beta", "restricted", "charged", "pay")
VALUE_FACETS = ("country", "product", "capability", "auth", "source")
STATES = ("enabled", "hidden", "removed")
# The words each state shows as, on every screen. The values stay: they are the URL's filter
# and the CSV's ``state`` cells, a published format.
STATE_LABELS = {"enabled": "enabled", "hidden": "disabled on this domain", "removed": "removed"}
SORTS = ("name", "id", "country", "auth", "state", "sources", "stability")

_NON_WORD = re.compile(r"[^\w]+")
_UUIDISH = re.compile(r"[0-9a-f-]{4,36}")
_UUID_HEX = re.compile(r"[0-9a-f]{32}")


def canonical_uuid(text: str) -> str:
    """``text`` stripped and lower-cased, and a UUID pasted without hyphens (32 hex digits,
    as some tools print them) given its hyphens, so it finds its connector like the usual form."""
    token = text.strip().casefold()
    return str(uuid_module.UUID(hex=token)) if _UUID_HEX.fullmatch(token) else token


def normalise(value: str) -> str:
    """Case- and accent-insensitive form: 'Société-Générale' -> 'societe generale'."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped).replace("_", " ").split())


def state_label(removed_at: object, hidden: object) -> str:
    """The one state a connector shows, filters and exports as: removed wins over hidden."""
    return "removed" if removed_at else "hidden" if hidden else "enabled"


def bits_of(positions: Iterable[int], size: int) -> int:
    flags = bytearray((size >> 3) + 1)
    for i in positions:
        flags[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(flags, "little")


@dataclass
class CatalogueIndex:
    version: str
    pks: list[int] = field(default_factory=list)
    uuids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    by_uuid: dict[str, int] = field(default_factory=dict)
    by_id: dict[int, list[int]] = field(default_factory=dict)
    all: int = 0
    states: dict[str, int] = field(default_factory=dict)
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    yes: dict[str, int] = field(default_factory=dict)
    # Bitsets of connectors with a disabled / an enabled source, overall and per source name.
    any_disabled_source: int = 0
    source_disabled: dict[str, int] = field(default_factory=dict)
    source_enabled: dict[str, int] = field(default_factory=dict)
    # A bitset per stability level (see catalogue.stability).
    stabilities: dict[str, int] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    orders: dict[str, list[int]] = field(default_factory=dict)
    _search_cache: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.pks)

    def search(self, query: str) -> int:
        """Bitset of connectors matching every whitespace-separated token of ``query``."""
        key = query.strip().casefold()
        if key not in self._search_cache:
            if len(self._search_cache) > 512:
                self._search_cache.clear()
            mask = self.all
            for token in key.split():
                mask &= self._token(token)
            self._search_cache[key] = mask
        return self._search_cache[key]

    def _token(self, token: str) -> int:
        token = canonical_uuid(token)
        words = normalise(token).split()
        if not words:
            return self.all  # punctuation alone narrows nothing
        mask = self.all
        for word in words:
            mask &= bits_of((i for i, text in enumerate(self.texts) if word in text), self.size)
        if token.isdecimal():  # not isdigit(): "¹" is a digit that int() refuses
            mask |= bits_of(self.by_id.get(int(token), ()), self.size)
        if _UUIDISH.fullmatch(token):
            mask |= bits_of(
                (i for i, uuid in enumerate(self.uuids) if uuid.startswith(token)), self.size
            )
        return mask

    def exact(self, query: str) -> int | None:
        """Position of the connector whose full UUID or integer id is exactly ``query``."""
        token = canonical_uuid(query)
        if token in self.by_uuid:
            return self.by_uuid[token]
        if token.isdecimal() and len(self.by_id.get(int(token), ())) == 1:
            return self.by_id[int(token)][0]
        return None

    def ordered(self, mask: int, sort: str, descending: bool, start: int, stop: int) -> list[int]:
        """Positions ``start:stop`` of the matching connectors in the requested order."""
        flags = bin(mask)[2:].zfill(self.size)[::-1]
        order = self.orders[sort]
        picked: list[int] = []
        for i in reversed(order) if descending else order:
            if flags[i] == "1":
                picked.append(i)
                if len(picked) >= stop:
                    break
        return picked[start:stop]


def _listed() -> list[ListedConnector]:
    rows = CatalogueConnector.objects.order_by("pk").values_list(*ListedConnector._fields)
    return list(map(ListedConnector._make, rows))


# Which ListedConnector column each facet reads.
_YES_NO_COLUMNS = {
    "beta": "beta",
    "restricted": "restricted",
    "charged": "charged",
    "pay": "pay_capable",
}
_VALUE_COLUMNS = {"product": "products", "capability": "capabilities", "auth": "auth_mechanisms"}


def build_index(version: str) -> CatalogueIndex:
    """The index of the copy as it is now, built a column at a time."""
    connectors = _listed()
    size = len(connectors)
    names = [normalise(c.name) for c in connectors]
    states = [state_label(c.removed_at, c.hidden) for c in connectors]
    levels = [level_of(c.stability_status) for c in connectors]
    index = CatalogueIndex(version=version)
    _add_identities(index, connectors, names)
    groups = _value_positions(index, connectors)
    position = {pk: i for i, pk in enumerate(index.pks)}
    source_counts = _add_sources(index, position, groups, size)
    index.all = (1 << size) - 1
    index.states = {s: bits_of((i for i, st in enumerate(states) if st == s), size) for s in STATES}
    index.stabilities = {
        level: bits_of((i for i, lv in enumerate(levels) if lv == level), size)
        for level in STABILITIES
    }
    index.yes = {
        facet: bits_of((i for i, c in enumerate(connectors) if getattr(c, column)), size)
        for facet, column in _YES_NO_COLUMNS.items()
    }
    index.values = {f: {v: bits_of(p, size) for v, p in g.items()} for f, g in groups.items()}
    index.orders = _orders(connectors, names, states, source_counts, levels)
    return index


def _add_identities(
    index: CatalogueIndex, connectors: list[ListedConnector], names: list[str]
) -> None:
    """How each connector is found: uuid, integer id, and the words of its name, slug, code."""
    index.pks = [c.pk for c in connectors]
    index.uuids = [c.uuid for c in connectors]
    index.by_uuid = {c.uuid: i for i, c in enumerate(connectors)}
    for i, c in enumerate(connectors):
        if c.powens_id is not None:
            index.by_id.setdefault(c.powens_id, []).append(i)
    index.texts = [
        f"{name} | {normalise(c.slug)} | {normalise(c.code)}"
        for name, c in zip(names, connectors, strict=True)
    ]


def _value_positions(
    index: CatalogueIndex, connectors: list[ListedConnector]
) -> dict[str, defaultdict[str, list[int]]]:
    """Positions per value of each open-enum facet (sources come later); country labels too."""
    groups: dict[str, defaultdict[str, list[int]]] = {f: defaultdict(list) for f in VALUE_FACETS}
    for facet, column in _VALUE_COLUMNS.items():
        for i, c in enumerate(connectors):
            for value in dict.fromkeys(getattr(c, column) or ()):
                groups[facet][value].append(i)
    labels: dict[str, str] = {}
    for i, c in enumerate(connectors):
        for country_code, country_name in c.countries or ():
            groups["country"][country_code].append(i)
            labels.setdefault(country_code, country_name)
    index.labels = {facet: {} for facet in VALUE_FACETS} | {"country": labels}
    return groups


def _orders(
    connectors: list[ListedConnector],
    names: list[str],
    states: list[str],
    source_counts: list[int],
    levels: list[str],
) -> dict[str, list[int]]:
    """Every sort order as a list of positions: sorted by its key columns, then position."""
    ids = [c.powens_id for c in connectors]
    key_columns: dict[str, tuple[Sequence[Any], Sequence[Any]]] = {
        "name": (names, [c.uuid for c in connectors]),
        "id": ([i is None for i in ids], [i or 0 for i in ids]),
        "country": ([_first_country(c) for c in connectors], names),
        "auth": ([c.auth_mechanism or "\uffff" for c in connectors], names),
        "state": ([STATES.index(state) for state in states], names),
        "sources": (source_counts, names),
        # Worst first (down, unstable, unknown, stable): what triage looks for.
        "stability": ([SEVERITY[level] for level in levels], names),
    }
    positions = range(len(connectors))
    return {
        sort: [key[-1] for key in sorted(zip(*key_columns[sort], positions, strict=True))]
        for sort in SORTS
    }


def _first_country(connector: ListedConnector) -> str:
    countries = connector.countries
    return normalise(countries[0][1]) if countries else "\uffff"


def _add_sources(
    index: CatalogueIndex,
    position: dict[int, int],
    groups: dict[str, defaultdict[str, list[int]]],
    size: int,
) -> list[int]:
    disabled: defaultdict[str, list[int]] = defaultdict(list)
    enabled: defaultdict[str, list[int]] = defaultdict(list)
    counts = [0] * size
    for connector_id, name, is_disabled in CatalogueSource.objects.values_list(
        "connector_id", "name", "disabled"
    ):
        i = position.get(connector_id)
        if i is None:
            continue
        counts[i] += 1
        groups["source"][name].append(i)
        (disabled if is_disabled else enabled)[name].append(i)
    index.source_disabled = {n: bits_of(p, size) for n, p in disabled.items()}
    index.source_enabled = {n: bits_of(p, size) for n, p in enabled.items()}
    index.any_disabled_source = bits_of((i for p in disabled.values() for i in p), size)
    return counts
