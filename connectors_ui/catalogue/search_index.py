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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors_ui.catalogue.columns import ListedConnector
from connectors_ui.models import CatalogueConnector, CatalogueSource

YES_NO_FACETS = ("beta", "restricted", "charged", "pay")
VALUE_FACETS = ("country", "product", "capability", "auth", "source")
STATES = ("enabled", "hidden", "removed")
SORTS = ("name", "id", "country", "auth", "state", "sources")

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
    version: int
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
    return [ListedConnector._make(row) for row in rows]


def _positions(names: Iterable[str]) -> dict[str, list[Any]]:
    return {name: [] for name in names}


@dataclass
class _Found:
    """Positions gathered per filter value and sort key while the index is built."""

    groups: dict[str, defaultdict[str, list[int]]] = field(
        default_factory=lambda: {facet: defaultdict(list) for facet in VALUE_FACETS}
    )
    yes: dict[str, list[int]] = field(default_factory=lambda: _positions(YES_NO_FACETS))
    states: dict[str, list[int]] = field(default_factory=lambda: _positions(STATES))
    labels: dict[str, dict[str, str]] = field(
        default_factory=lambda: {facet: {} for facet in VALUE_FACETS}
    )
    sort_keys: dict[str, list[tuple]] = field(default_factory=lambda: _positions(SORTS))


def build_index(version: int) -> CatalogueIndex:
    index = CatalogueIndex(version=version)
    found = _Found()
    for i, connector in enumerate(_listed()):
        norm_name = _add_identity(index, i, connector)
        state = state_label(connector.removed_at, connector.hidden)
        found.states[state].append(i)
        _add_filters(found, i, connector)
        _add_sort_keys(found.sort_keys, i, connector, norm_name, state)
    size = index.size
    position = {pk: i for i, pk in enumerate(index.pks)}
    source_counts = _add_sources(index, position, found.groups, size)
    for i, key in enumerate(found.sort_keys["name"]):
        found.sort_keys["sources"].append((source_counts[i], key[0], i))
    index.all = (1 << size) - 1
    index.states = {s: bits_of(p, size) for s, p in found.states.items()}
    index.yes = {f: bits_of(p, size) for f, p in found.yes.items()}
    index.values = {f: {v: bits_of(p, size) for v, p in g.items()} for f, g in found.groups.items()}
    index.labels = found.labels
    index.orders = {s: [key[-1] for key in sorted(keys)] for s, keys in found.sort_keys.items()}
    return index


def _add_identity(index: CatalogueIndex, i: int, connector: ListedConnector) -> str:
    """Record how connector ``i`` is found (uuid, id, words); returns its normalised name."""
    index.pks.append(connector.pk)
    index.uuids.append(connector.uuid)
    index.by_uuid[connector.uuid] = i
    if connector.powens_id is not None:
        index.by_id.setdefault(connector.powens_id, []).append(i)
    norm_name = normalise(connector.name)
    index.texts.append(f"{norm_name} | {normalise(connector.slug)} | {normalise(connector.code)}")
    return norm_name


def _add_filters(found: _Found, i: int, connector: ListedConnector) -> None:
    flags = (connector.beta, connector.restricted, connector.charged, connector.pay_capable)
    for facet, flag in zip(YES_NO_FACETS, flags, strict=True):
        if flag:
            found.yes[facet].append(i)
    for facet, values in (
        ("product", connector.products),
        ("capability", connector.capabilities),
        ("auth", connector.auth_mechanisms),
    ):
        for value in dict.fromkeys(values or ()):
            found.groups[facet][value].append(i)
    for country_code, country_name in connector.countries or ():
        found.groups["country"][country_code].append(i)
        found.labels["country"].setdefault(country_code, country_name)


def _add_sort_keys(
    keys: dict[str, list[tuple]], i: int, connector: ListedConnector, norm_name: str, state: str
) -> None:
    """Every order but "sources", which needs the source counts (see build_index)."""
    countries = connector.countries
    first_country = normalise(countries[0][1]) if countries else "\uffff"
    keys["name"].append((norm_name, connector.uuid, i))
    keys["id"].append((connector.powens_id is None, connector.powens_id or 0, i))
    keys["country"].append((first_country, norm_name, i))
    keys["auth"].append((connector.auth_mechanism or "\uffff", norm_name, i))
    keys["state"].append((STATES.index(state), norm_name, i))


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
