"""A per-process, in-memory index of the local catalogue copy: built in full after a refresh,
patched after our own writes.

Why: support staff search as they type over up to ~20,000 connectors with facet counts.
SQL LIKE over JSON columns plus a COUNT per facet option is far too slow for that. Here each
connector is a position ``i``; each filter value is a bitset (a Python int whose bit ``i`` is
set when connector ``i`` matches), so filtering is ``&`` and a facet count is
``(mask & bits).bit_count()``. Sort orders are precomputed position lists. The index also
holds each connector's source badges, so a list page reads no source rows.

Keeping up (issue 16): a refresh rewrites the copy under a new *generation*, and every process
rebuilds its index (~0.7 s at 20,000). Our own writes (a toggle, a batch, a source, a 404)
change a few rows: each write stamps them with the copy's next *serial*
(``catalogue.lease.bump_serial``), and a process whose index is at serial ``s`` reads only the
rows stamped after ``s`` and patches a copy of its index (``CatalogueIndex.patched``), whichever
gunicorn worker the next page lands on. A full build is the same patch applied to an empty
index, so both paths give the same index.
"""

import bisect
import re
import unicodedata
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

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
# Past this share of the copy changed at once, sorting every order again beats moving rows.
_RESORT_SHARE = 0.05

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


@dataclass(frozen=True, slots=True)
class SourceBadge:
    name: str
    disabled: bool
    priority: int | None


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index holds of one connector, derived from its row and its sources' rows."""

    pk: int
    uuid: str
    powens_id: int | None
    text: str
    state: str
    stability: str  # one of STABILITIES
    yes: tuple[str, ...]
    values: dict[str, tuple[str, ...]]
    countries: tuple[tuple[str, str], ...]
    disabled_sources: tuple[str, ...]
    enabled_sources: tuple[str, ...]
    badges: tuple[SourceBadge, ...]
    keys: dict[str, tuple]


@dataclass
class CatalogueIndex:
    """The copy as bitsets and orders. Never changed once in use (other threads read it): a
    change gives a patched copy, swapped in by ``catalogue.selectors``."""

    version: str
    generation: str = ""
    serial: int = 0
    pks: list[int] = field(default_factory=list)
    uuids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    badges: list[tuple[SourceBadge, ...]] = field(default_factory=list)
    by_pk: dict[int, int] = field(default_factory=dict)
    by_uuid: dict[str, int] = field(default_factory=dict)
    by_id: dict[int, tuple[int, ...]] = field(default_factory=dict)
    ids: list[int | None] = field(default_factory=list)
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
    # Each sort's key per position, and the positions in that order.
    keys: dict[str, list[tuple]] = field(default_factory=dict)
    orders: dict[str, list[int]] = field(default_factory=dict)
    # Caches, not content (``compare=False``): searches already made; the list rows read for
    # this copy and what the page memoised of each (its HTML), and the parts of list pages held
    # (``templatetags.list_fragments``), which hold exactly as long as the copy does.
    _search_cache: dict[str, int] = field(default_factory=dict, compare=False)
    rows: dict[int, CatalogueConnector] = field(default_factory=dict, compare=False)
    memos: dict[int, dict] = field(default_factory=dict, compare=False)
    fragments: dict[tuple, tuple[int, str]] = field(default_factory=dict, compare=False)

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

    def patched(self, entries: Sequence[Entry], *, version: str, serial: int) -> "CatalogueIndex":
        """A copy of this index with ``entries`` (new or changed connectors) in it."""
        copy = replace(
            self,
            version=version,
            serial=serial,
            pks=list(self.pks),
            uuids=list(self.uuids),
            texts=list(self.texts),
            badges=list(self.badges),
            ids=list(self.ids),
            by_pk=dict(self.by_pk),
            by_uuid=dict(self.by_uuid),
            by_id=dict(self.by_id),
            labels={facet: dict(labels) for facet, labels in self.labels.items()},
            keys={sort: list(keys) for sort, keys in self.keys.items()},
            _search_cache={},
            rows={},
            memos={},
            fragments={},
        )
        copy._apply(entries)
        return copy

    def _apply(self, entries: Sequence[Entry]) -> None:
        positions = [self._place(entry) for entry in entries]
        self.all = (1 << self.size) - 1
        self._set_bits(positions, entries)
        self._reorder(positions)

    def _place(self, entry: Entry) -> int:
        """The entry's position (a new one at the end for a new connector), its fields set."""
        i = self.by_pk.get(entry.pk)
        if i is None:
            i = self.by_pk[entry.pk] = self.size
            for column in (self.pks, self.uuids, self.texts, self.badges, self.ids):
                column.append(None)  # type: ignore[arg-type]  # set just below
            for sort in SORTS:
                self.keys.setdefault(sort, []).append(())
        old_id = self.ids[i]
        if old_id is not None:
            self.by_id[old_id] = tuple(p for p in self.by_id[old_id] if p != i)
        if entry.powens_id is not None:
            self.by_id[entry.powens_id] = (*self.by_id.get(entry.powens_id, ()), i)
        self.pks[i], self.uuids[i], self.texts[i] = entry.pk, entry.uuid, entry.text
        self.badges[i], self.ids[i], self.by_uuid[entry.uuid] = entry.badges, entry.powens_id, i
        for sort in SORTS:
            self.keys[sort][i] = entry.keys[sort]
        countries = self.labels.setdefault("country", {})
        for code, name in entry.countries:
            countries.setdefault(code, name)
        return i

    def _set_bits(self, positions: list[int], entries: Sequence[Entry]) -> None:
        """Every bitset without the changed positions, then with them where they now belong."""
        keep = ~bits_of(positions, self.size)
        found: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        for i, entry in zip(positions, entries, strict=True):
            found["state", entry.state].append(i)
            found["stability", entry.stability].append(i)
            for facet in entry.yes:
                found["yes", facet].append(i)
            for facet, values in entry.values.items():
                for value in values:
                    found[facet, value].append(i)
            for name in entry.disabled_sources:
                found["disabled", name].append(i)
            for name in entry.enabled_sources:
                found["enabled", name].append(i)
        size = self.size

        def merged(table: dict[str, int], kind: str, always: Sequence[str] = ()) -> dict[str, int]:
            """``table`` updated; names left with no connector go, but for ``always``."""
            names = dict.fromkeys([*always, *table, *(name for k, name in found if k == kind)])
            bits = {
                name: (table.get(name, 0) & keep) | bits_of(found.get((kind, name), ()), size)
                for name in names
            }
            return {name: b for name, b in bits.items() if b or name in always}

        self.states = merged(self.states, "state", STATES)
        self.stabilities = merged(self.stabilities, "stability", STABILITIES)
        self.yes = merged(self.yes, "yes", YES_NO_FACETS)
        self.values = {facet: merged(self.values.get(facet, {}), facet) for facet in VALUE_FACETS}
        self.source_disabled = merged(self.source_disabled, "disabled")
        self.source_enabled = merged(self.source_enabled, "enabled")
        self.any_disabled_source = 0
        for bits in self.source_disabled.values():
            self.any_disabled_source |= bits
        for facet in VALUE_FACETS:
            self.labels.setdefault(facet, {})

    def _reorder(self, positions: list[int]) -> None:
        """Every sort order with the changed positions where their new keys put them."""
        moved = set(positions)
        for sort in SORTS:
            keys = self.keys.setdefault(sort, [])

            def key(p: int, keys: list[tuple] = keys) -> tuple:
                return (keys[p], p)

            if sort not in self.orders or len(moved) > _RESORT_SHARE * self.size:
                self.orders[sort] = sorted(range(self.size), key=key)
                continue
            order = [p for p in self.orders[sort] if p not in moved]
            for p in sorted(moved):
                bisect.insort(order, p, key=key)
            self.orders[sort] = order


def build_index(version: str, *, generation: str = "", serial: int = 0) -> CatalogueIndex:
    """The index of the whole copy as it is now: every entry applied to an empty index."""
    index = CatalogueIndex(version=version, generation=generation, serial=serial)
    index._apply(index_entries())
    return index


# Which ListedConnector column each facet reads (country and source have their own shapes).
_YES_NO_COLUMNS = {
    "beta": "beta",
    "restricted": "restricted",
    "charged": "charged",
    "pay": "pay_capable",
}
_VALUE_COLUMNS = {"product": "products", "capability": "capabilities", "auth": "auth_mechanisms"}


def index_entries(*, since_serial: int | None = None) -> list[Entry]:
    """The entries of every connector, or of those stamped after ``since_serial``: two queries
    (the rows without their raw JSON, then their sources)."""
    connectors = CatalogueConnector.objects.order_by("pk")
    sources = CatalogueSource.objects.all()
    if since_serial is not None:
        connectors = connectors.filter(index_serial__gt=since_serial)
        sources = sources.filter(connector__index_serial__gt=since_serial)
    by_connector: defaultdict[int, list[tuple]] = defaultdict(list)
    for connector_id, *source in sources.values_list(
        "connector_id", "source_id", "name", "disabled", "priority"
    ):
        by_connector[connector_id].append(tuple(source))
    listed = map(ListedConnector._make, connectors.values_list(*ListedConnector._fields))
    return [entry_of(c, by_connector.get(c.pk, [])) for c in listed]


def entry_of(c: ListedConnector, sources: list[tuple]) -> Entry:
    """``c``'s entry; ``sources`` are its (source id, name, disabled, priority)."""
    name = normalise(c.name)
    state = state_label(c.removed_at, c.hidden)
    stability = level_of(c.stability_status)
    countries = tuple((code, label) for code, label in c.countries or ())
    # Powens uses the enabled source of lowest priority first; no priority sorts last.
    sources = sorted(sources, key=lambda s: (s[3] is None, s[3] or 0, s[0]))
    values = {f: tuple(dict.fromkeys(getattr(c, col) or ())) for f, col in _VALUE_COLUMNS.items()}
    values["country"] = tuple(dict.fromkeys(code for code, _ in countries))
    values["source"] = tuple(dict.fromkeys(s[1] for s in sources))
    first_country = normalise(countries[0][1]) if countries else "\uffff"
    return Entry(
        pk=c.pk,
        uuid=c.uuid,
        powens_id=c.powens_id,
        # The name without spaces too: "bnpparibas", "caisse depargne" find their bank.
        text=f"{name} | {normalise(c.slug)} | {normalise(c.code)} | {name.replace(' ', '')}",
        state=state,
        stability=stability,
        yes=tuple(f for f, column in _YES_NO_COLUMNS.items() if getattr(c, column)),
        values=values,
        countries=countries,
        disabled_sources=tuple(dict.fromkeys(s[1] for s in sources if s[2])),
        enabled_sources=tuple(dict.fromkeys(s[1] for s in sources if not s[2])),
        badges=tuple(SourceBadge(s[1], s[2], s[3]) for s in sources),
        keys={
            "name": (name, c.uuid),
            "id": (c.powens_id is None, c.powens_id or 0),
            "country": (first_country, name),
            "auth": (c.auth_mechanism or "\uffff", name),
            "state": (STATES.index(state), name),
            "sources": (len(sources), name),
            # Worst first (down, unstable, unknown, stable): what triage looks for.
            "stability": (SEVERITY[stability], name),
        },
    )
