"""Forms that validate query strings and posts before a selector or service sees them."""

import re
from collections.abc import Collection
from typing import Any

from django import forms
from django.http import QueryDict
from django.urls import reverse

from connectors_ui.catalogue.filtering import YES_NO, CatalogueQuery, FacetOption
from connectors_ui.catalogue.search_index import (
    SORTS,
    STABILITIES,
    STATES,
)
from connectors_ui.catalogue.selectors import CatalogueStatus, catalogue_known_values

# Open enums: any short slug-like value is well formed; whether it exists is checked against
# the current copy so a typo or a stale bookmark gets a clear message instead of silence.
_VALUE = re.compile(r"[\w.:-]{1,100}")
_YES_NO_CHOICES = [("", "any"), *((v, v) for v in YES_NO)]
FILTER_LABELS = {
    "country": "Country",
    "product": "Product",
    "capability": "Capability",
    # Matches any of a connector's available mechanisms, not only the default the list shows.
    "auth": "Supports auth mechanism",
    "state": "State",
    "stability": "Stability",
    "beta": "Beta",
    "restricted": "Restricted",
    "charged": "Charged",
    "source": "Source",
    "source_disabled": "Source disabled",
    "pay": "Pay-capable",
    "unstable_hours": "Unstable or down for more than (hours)",
}
FILTER_ORDER = (
    "country",
    "state",
    "stability",
    "product",
    "capability",
    "auth",
    "source",
    "source_disabled",
    "beta",
    "restricted",
    "charged",
    "pay",
)
# Shown in the compact bar; the others wait behind "More filters".
BAR_FILTERS = ("country", "state", "stability", "product")
SORT_COLUMNS = (
    ("name", "Name"),
    ("id", "ID"),
    ("country", "Countries"),
    (None, "Products"),
    ("auth", "Auth mechanism"),
    ("sources", "Sources"),
    ("state", "State"),
    ("stability", "Stability"),
)


# Filters that take several values, any of which matches (?country=fr&country=de); the
# yes/no ones take one.
MULTI_FILTERS = ("country", "product", "capability", "auth", "source", "state", "stability")
YES_NO_FILTERS = ("beta", "restricted", "charged", "source_disabled", "pay")
_MAX_VALUES = 50


class _Values(forms.Field):
    """Every non-empty value given for a name, trimmed, once each, in the order given."""

    widget = forms.SelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> tuple[str, ...]:
        values = value if isinstance(value, list | tuple) else [value]
        trimmed = (v.strip() for v in values if isinstance(v, str))
        return tuple(dict.fromkeys(v for v in trimmed if v))[:_MAX_VALUES]


def _as_tuple(value: Any) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _has(name: str) -> str:
    """'has country', 'supports auth mechanism': the verb the filter's label already carries."""
    label = FILTER_LABELS[name].lower()
    return label if label.startswith("supports ") else f"has {label}"


def non_empty_params(data: Any) -> QueryDict:
    """A mutable copy of a query string without its empty values (``?q=&country=fr`` ->
    ``?country=fr``): the URL a filter form should have sent."""
    params = QueryDict(mutable=True)
    for name in data:
        values = [v for v in _getlist(data, name) if v.strip()]
        if values:
            params.setlist(name, values)
    return params


def _getlist(data: Any, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(name) if isinstance(v, str)]
    value = data.get(name)
    return [value] if isinstance(value, str) else []


def list_url(params: QueryDict) -> str:
    query = params.urlencode()
    return reverse("connector_list") + (f"?{query}" if query else "")


class ConnectorFilterForm(forms.Form):
    """The connector list's query string: search, filters, sort and page.

    Invalid values never fail the page: the view shows the message and the selector runs with
    the valid part (``query()``), like the admin changelist ignoring a bad lookup.
    """

    q = forms.CharField(required=False, max_length=200, strip=True, label="Search")
    country = _Values(label=FILTER_LABELS["country"])
    product = _Values(label=FILTER_LABELS["product"])
    capability = _Values(label=FILTER_LABELS["capability"])
    auth = _Values(label=FILTER_LABELS["auth"])
    source = _Values(label=FILTER_LABELS["source"])
    state = _Values(label=FILTER_LABELS["state"])
    stability = _Values(label=FILTER_LABELS["stability"])
    beta = forms.ChoiceField(required=False, choices=_YES_NO_CHOICES)
    restricted = forms.ChoiceField(required=False, choices=_YES_NO_CHOICES)
    charged = forms.ChoiceField(required=False, choices=_YES_NO_CHOICES)
    source_disabled = forms.ChoiceField(required=False, choices=_YES_NO_CHOICES)
    pay = forms.ChoiceField(required=False, choices=_YES_NO_CHOICES)
    sort = forms.ChoiceField(
        required=False, choices=[(p + s, p + s) for s in SORTS for p in ("", "-")]
    )
    page = forms.IntegerField(required=False)
    # Connectors whose status has been unstable or down since longer ago than this.
    unstable_hours = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=24 * 3650,
        label=FILTER_LABELS["unstable_hours"],
        error_messages={
            "invalid": "“Unstable for more than” takes a number of hours: filter ignored.",
            "min_value": "“Unstable for more than” takes at least 1 hour: filter ignored.",
            "max_value": "“Unstable for more than” takes at most 87,600 hours: filter ignored.",
        },
    )

    def __init__(self, *args: Any, status: CatalogueStatus | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._status = status
        self._known_values: dict[str, set[str]] | None = None

    def clean(self) -> dict[str, Any]:
        """Each multi-value filter keeps its valid values; every other one gets a message
        (an error on the field would drop its valid values too)."""
        cleaned = super().clean() or {}
        kept: dict[str, tuple[str, ...]] = {}
        for name in MULTI_FILTERS:
            good, bad = self._split_known(name, cleaned.get(name) or ())
            for value in bad:
                self.add_error(name, self._unknown_message(name, value))
            kept[name] = good
        cleaned.update(kept)
        return cleaned

    def _split_known(self, name: str, values: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
        if not values:
            return (), []
        known = self._known(name)
        good: list[str] = []
        bad: list[str] = []
        for value in values:
            canonical = value.lower() if name == "country" else value
            if _VALUE.fullmatch(value) and canonical in known:
                good.append(canonical)
            else:
                bad.append(value)
        return tuple(dict.fromkeys(good)), bad

    def _known(self, name: str) -> Collection[str]:
        if name == "state":
            return STATES
        if name == "stability":
            return STABILITIES
        if self._known_values is None:
            self._known_values = catalogue_known_values(self._status)
        return self._known_values[name]

    @staticmethod
    def _unknown_message(name: str, value: str) -> str:
        if name == "state":
            return f"“{value}” is not a valid state filter: use {' or '.join(STATES)}."
        if name == "stability":
            return f"“{value}” is not a valid stability filter: use {' or '.join(STABILITIES)}."
        return f"No connector {_has(name)} “{value}”: filter ignored."

    def query(self) -> CatalogueQuery:
        """The valid part of the query string (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or "name"
        filters = {name: _as_tuple(data.get(name)) for name in FILTER_LABELS if data.get(name)}
        return CatalogueQuery(
            q=data.get("q") or "",
            filters=filters,
            sort=sort.lstrip("-"),
            descending=sort.startswith("-"),
        )

    def page_number(self) -> int:
        page = getattr(self, "cleaned_data", {}).get("page")
        return 1 if page is None else page

    def facet_fields(self, facets: dict[str, list[FacetOption]]) -> list[dict[str, Any]]:
        """The filters in display order, each option with its facet count: the first few in
        the compact bar, the others behind "More filters" (``more``); multi-value ones are
        lists of checkboxes, yes/no ones selects. ``chosen``: how many values are applied."""
        return [
            {
                "name": name,
                "label": FILTER_LABELS[name],
                "options": facets[name],
                "multiple": name in MULTI_FILTERS,
                "more": name not in BAR_FILTERS,
                "chosen": sum(option.selected for option in facets[name]),
                "any_label": "any but removed" if name == "state" else "any",
            }
            for name in FILTER_ORDER
        ]

    def chips(self, facets: dict[str, list[FacetOption]]) -> list[dict[str, str]]:
        """One removable chip per applied search and filter value: its words and the list's
        URL without it (other filters kept, back to page 1)."""
        query = self.query()
        labels = {n: {o.value: o.label for o in options} for n, options in facets.items()}
        chips = []
        if query.q:
            chips.append(self._chip("Search", f"“{query.q}”", "q", None))
        for name in FILTER_ORDER:
            for value in query.filters.get(name, ()):
                label = labels.get(name, {}).get(value, value)
                chips.append(self._chip(FILTER_LABELS[name], label, name, value))
        for hours in query.filters.get("unstable_hours", ()):  # a URL filter, no control
            chips.append(
                self._chip("Unstable or down for more than", f"{hours} h", "unstable_hours", None)
            )
        return chips

    def _chip(self, label: str, value: str, name: str, removed: str | None) -> dict[str, str]:
        params = non_empty_params(self.data)
        params.pop("page", None)
        kept = [] if removed is None else [v for v in params.getlist(name) if v != removed]
        params.setlist(name, kept)
        if not kept:
            params.pop(name)
        return {"label": label, "value": value, "href": list_url(params)}

    def sort_columns(self) -> list[dict[str, Any]]:
        """Table headers: the sort each one links to, and aria-sort for the current one."""
        query = self.query()
        columns = []
        for key, label in SORT_COLUMNS:
            current = key is not None and key == query.sort
            columns.append(
                {
                    "label": label,
                    "key": key,
                    "aria_sort": ("descending" if query.descending else "ascending")
                    if current
                    else "",
                    "next": f"-{key}" if current and not query.descending else key,
                }
            )
        return columns

    def sort_value(self) -> str:
        query = self.query()
        return ("-" if query.descending else "") + query.sort

    def messages(self) -> list[str]:
        return [str(message) for errors in self.errors.values() for message in errors]


class SavedViewForm(forms.Form):
    """A saved view's name, whether it is shared, and (on creation) the list's query string;
    the rules (who may share, unique names) are the service's."""

    name = forms.CharField(max_length=200, strip=True)
    shared = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=4000, strip=True)

    def values(self) -> tuple[str, bool, str]:
        """(name, shared, query) of a valid form; a missing name reads as ""."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("name", ""), bool(data.get("shared")), data.get("query", "")


class _SharedFields(dict):
    """A form's fields that its instances share. Django deep-copies a form's fields for each
    instance, so that one may change its own; this one is built on every list page and never
    changes them (their labels and messages are set once, below), and copying its sixteen
    fields, widgets and choices was a twentieth of the page's time (issue 16)."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


def _share_fields(form: type[forms.Form]) -> None:
    fields = form.base_fields
    for name in YES_NO_FILTERS:
        fields[name].label = FILTER_LABELS[name]
        fields[name].error_messages["invalid_choice"] = (
            f"“%(value)s” is not a valid {FILTER_LABELS[name].lower()} filter: use yes or no."
        )
    fields["sort"].error_messages["invalid_choice"] = "Unknown sort “%(value)s”: sorted by name."
    fields["page"].error_messages["invalid"] = "The page must be a number: showing page 1."
    form.base_fields = _SharedFields(fields)


_share_fields(ConnectorFilterForm)
