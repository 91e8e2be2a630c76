"""The connector list's filters as bitsets of the search index: one mask per applied filter,
and each facet's counts with every *other* filter applied (as shoppers expect)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from connectors_ui.catalogue.search_index import (
    STABILITIES,
    STATE_LABELS,
    STATES,
    VALUE_FACETS,
    YES_NO_FACETS,
    CatalogueIndex,
    bits_of,
)
from connectors_ui.models import CatalogueConnector

YES_NO = ("yes", "no")


@dataclass(frozen=True)
class CatalogueQuery:
    """A validated list query (see ConnectorFilterForm); a filter absent = not applied.

    Each filter holds its values, any of which matches (``{"country": ("fr", "de")}``); a
    single string is taken as one value, so callers naming one value stay as simple."""

    q: str = ""
    filters: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    sort: str = "name"
    descending: bool = False

    def __post_init__(self) -> None:
        values = {
            name: tuple(value) if isinstance(value, list | tuple) else (value,)
            for name, value in self.filters.items()
        }
        object.__setattr__(self, "filters", values)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


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


def _any(table: dict[str, int], values: tuple[str, ...]) -> int:
    """Connectors matching any of ``values`` (a multi-value filter is an OR)."""
    mask = 0
    for value in values:
        mask |= table.get(value, 0)
    return mask


def _one(query: CatalogueQuery, name: str) -> str | None:
    """The value of a single-value filter (yes/no, hours), None when not applied."""
    values = query.filters.get(name)
    return values[0] if values else None


def _sources_mask(index: CatalogueIndex, sources: tuple[str, ...], disabled: str | None) -> int:
    if not sources:
        return _source_mask(index, None, disabled)
    mask = 0
    for source in sources:
        mask |= _source_mask(index, source, disabled)
    return mask


def filter_masks(index: CatalogueIndex, query: CatalogueQuery, extra_q: int = 0) -> dict[str, int]:
    """One mask per applied filter; 'state' is always present (removed ones hidden by default).
    ``extra_q``: connectors the search finds by other means (names they had before)."""
    f = query.filters
    masks = {facet: _any(index.values[facet], f[facet]) for facet in VALUE_FACETS if f.get(facet)}
    masks.pop("source", None)
    disabled = _one(query, "source_disabled")
    if f.get("source") or disabled:
        masks["source"] = _sources_mask(index, f.get("source", ()), disabled)
    for facet in YES_NO_FACETS:
        if value := _one(query, facet):
            bits = index.yes[facet]
            masks[facet] = bits if value == "yes" else index.all & ~bits
    states = f.get("state")
    masks["state"] = _any(index.states, states) if states else index.all & ~index.states["removed"]
    if f.get("stability"):
        masks["stability"] = _any(index.stabilities, f["stability"])
    if hours := _one(query, "unstable_hours"):
        masks["unstable_hours"] = _unstable_mask(index, int(hours))
    if query.q:
        masks["q"] = index.search(query.q) | extra_q
    return masks


def _unstable_mask(index: CatalogueIndex, hours: int) -> int:
    """Connectors unstable or down whose status dates from more than ``hours`` ago (the
    stored ``stability_since``: one query, as the index holds no dates)."""
    bad = index.stabilities["unstable"] | index.stabilities["down"]
    cutoff = timezone.now() - timedelta(hours=hours)
    pks = CatalogueConnector.objects.filter(stability_since__lte=cutoff).values_list(
        "pk", flat=True
    )
    return bad & bits_of((index.by_pk[pk] for pk in pks if pk in index.by_pk), index.size)


def masks_and(index: CatalogueIndex, masks: dict[str, int], *, without: str = "") -> int:
    result = index.all
    for name, mask in masks.items():
        if name != without:
            result &= mask
    return result


def _options(
    others: int,
    table: dict[str, int],
    values: Iterable[str],
    chosen: tuple[str, ...],
    labels: dict[str, str],
) -> list[FacetOption]:
    return [
        FacetOption(v, labels.get(v, v), (others & table.get(v, 0)).bit_count(), v in chosen)
        for v in values
    ]


def facets_count(
    index: CatalogueIndex, query: CatalogueQuery, masks: dict[str, int]
) -> dict[str, list[FacetOption]]:
    """Each facet counted with every *other* filter applied, as shoppers expect."""
    f = query.filters
    facets: dict[str, list[FacetOption]] = {}
    for facet in ("country", "product", "capability", "auth"):
        others = masks_and(index, masks, without=facet)
        labels = index.labels.get(facet, {})
        facets[facet] = sorted(
            _options(others, index.values[facet], index.values[facet], f.get(facet, ()), labels),
            key=lambda o: (o.label.casefold(), o.value),
        )
    others = masks_and(index, masks, without="source")
    disabled = _one(query, "source_disabled")
    facets["source"] = [
        FacetOption(
            v,
            v,
            (others & _source_mask(index, v, disabled)).bit_count(),
            v in f.get("source", ()),
        )
        for v in sorted(index.values["source"])
    ]
    facets["source_disabled"] = [
        FacetOption(
            v,
            v,
            (others & _sources_mask(index, f.get("source", ()), v)).bit_count(),
            disabled == v,
        )
        for v in YES_NO
    ]
    others = masks_and(index, masks, without="state")
    facets["state"] = _options(others, index.states, STATES, f.get("state", ()), STATE_LABELS)
    others = masks_and(index, masks, without="stability")
    facets["stability"] = _options(
        others, index.stabilities, STABILITIES, f.get("stability", ()), {}
    )
    for facet in YES_NO_FACETS:
        others = masks_and(index, masks, without=facet)
        yes = (others & index.yes[facet]).bit_count()
        chosen = _one(query, facet)
        facets[facet] = [
            FacetOption("yes", "yes", yes, chosen == "yes"),
            FacetOption("no", "no", others.bit_count() - yes, chosen == "no"),
        ]
    return facets
