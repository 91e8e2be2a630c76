"""Forgiving search: what the list offers when the words typed are not quite the catalogue's.

Built beside the search index (``search_index``), once per version of the copy, and never
changing it: the index answers "which connectors contain every word"; this answers the two
questions it cannot:

- **names a connector had before** (``formerly``): a refresh that sees a rename keeps the old
  name (``ConnectorPreviousName``), and "boursorama" still finds BoursoBank;
- **"did you mean"** (``correct``): a word found nowhere in the catalogue ("crdit",
  "generalle", "cerdit") is replaced by the closest catalogue word, within one edit for short
  words and two for longer ones, where an edit is a letter missing, extra, wrong or two
  letters swapped (optimal string alignment distance). Candidates come from a dictionary of
  deletions (the SymSpell method): a word and a typo of it share a form with up to two
  letters deleted, so a lookup costs a few dozen dictionary probes, not a scan of every name.

Spaces and apostrophes ("bnpparibas", "caisse depargne") need no correction: the index
matches words against names written without spaces too.
"""

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from connectors_ui.catalogue.search_index import CatalogueIndex, normalise
from connectors_ui.domains.context import current_domain_name
from connectors_ui.models import CatalogueConnector, ConnectorPreviousName

# Words shorter than this are never corrected (too many neighbours: "bnq" could be anything).
MIN_CORRECTED = 4
# From this length a word may be two edits away.
TWO_EDITS_FROM = 7


def compact(text: str) -> str:
    """A normalised name without its spaces: "caisse d epargne" -> "caissedepargne"."""
    return text.replace(" ", "")


def _allowed_edits(word: str) -> int:
    return 0 if len(word) < MIN_CORRECTED else 2 if len(word) >= TWO_EDITS_FROM else 1


def _deletions(word: str, edits: int) -> set[str]:
    """``word`` with up to ``edits`` letters removed (itself included)."""
    forms = {word}
    for count in range(1, edits + 1):
        if len(word) - count < 2:
            break
        for removed in combinations(range(len(word)), count):
            forms.add("".join(ch for i, ch in enumerate(word) if i not in removed))
    return forms


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), or ``limit + 1``
    as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class FuzzyIndex:
    version: str
    # Every catalogue word (names, previous names) and in how many names it appears.
    frequency: Counter[str] = field(default_factory=Counter)
    # Deletion form -> the words it comes from (see the module docstring).
    deletions: dict[str, set[str]] = field(default_factory=dict)
    # Everything a word may be found in as it is typed: words and names without spaces.
    haystack: str = ""
    # (position in the index, normalised previous name without spaces, the name as shown)
    previous: list[tuple[int, str, str]] = field(default_factory=list)

    def formerly(self, query: str) -> dict[int, str]:
        """Connectors one of whose previous names contains every word of ``query``, each
        with that name: ``{position: "Boursorama Banque"}``."""
        words = normalise(query).split()
        if not words:
            return {}
        found: dict[int, str] = {}
        for position, text, shown in self.previous:
            if position not in found and all(word in text for word in words):
                found[position] = shown
        return found

    def correct(self, query: str) -> str | None:
        """``query`` with each word found nowhere replaced by its closest catalogue word;
        None when every word is found, or an unknown one has no close word."""
        words = normalise(query).split()
        corrected = [word if word in self.haystack else self._closest(word) for word in words]
        if corrected == words or None in corrected:
            return None
        return " ".join(word for word in corrected if word)

    def _closest(self, word: str) -> str | None:
        edits = _allowed_edits(word)
        if not edits:
            return None
        candidates: set[str] = set()
        for form in _deletions(word, edits):
            candidates |= self.deletions.get(form, set())
        scored = [
            (edit_distance(word, candidate, edits), -self.frequency[candidate], candidate)
            for candidate in candidates
        ]
        best = min((s for s in scored if s[0] <= edits), default=None)
        return best[2] if best else None


def _words(names: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for name in names:
        counts.update(set(normalise(name).split()))
    return counts


def build_fuzzy(index: CatalogueIndex) -> FuzzyIndex:
    """The forgiving structures of the copy ``index`` was built from."""
    position = {pk: i for i, pk in enumerate(index.pks)}
    names = [
        name for pk, name in CatalogueConnector.objects.values_list("pk", "name") if pk in position
    ]
    previous = [
        (position[connector_id], compact(normalise(name)), name)
        for connector_id, name in ConnectorPreviousName.objects.values_list("connector_id", "name")
        if connector_id in position
    ]
    frequency = _words([*names, *(shown for _, _, shown in previous)])
    deletions: dict[str, set[str]] = {}
    for word in frequency:
        if word.isalpha() and len(word) >= MIN_CORRECTED - 1:
            for form in _deletions(word, 2 if len(word) >= TWO_EDITS_FROM - 1 else 1):
                deletions.setdefault(form, set()).add(word)
    haystack = "\n".join([*frequency, *(compact(normalise(n)) for n in names)])
    return FuzzyIndex(_key(index), frequency, deletions, haystack, previous)


def _key(index: CatalogueIndex) -> str:
    return index.generation or index.version


# One per domain, as the search indexes (``catalogue.selectors``).
_fuzzy: dict[str, FuzzyIndex] = {}
_fuzzy_lock = threading.Lock()


def fuzzy_index(index: CatalogueIndex) -> FuzzyIndex:
    """This process's forgiving structures for ``index``'s copy (the current domain's), built
    at most once per refresh.

    Keyed by the index's generation, not its version: our own writes patch the index (issue
    16) but change no name, so they need no rebuild; a refresh (new names, previous names)
    starts a new generation."""
    domain = current_domain_name()
    current = _fuzzy.get(domain)
    if current is not None and current.version == _key(index):
        return current
    with _fuzzy_lock:
        current = _fuzzy.get(domain)
        if current is None or current.version != _key(index):
            current = _fuzzy[domain] = build_fuzzy(index)
        return current
