"""Forms that validate query strings and posts before a selector or service sees them."""

import re
from typing import Any

from django import forms

from connectors_ui.catalogue.search_index import (
    SORTS,
    STABILITIES,
    STATE_LABELS,
    STATES,
    VALUE_FACETS,
)
from connectors_ui.catalogue.selectors import (
    YES_NO,
    CatalogueQuery,
    CatalogueStatus,
    FacetOption,
    catalogue_known_values,
)

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
    "product",
    "capability",
    "auth",
    "state",
    "stability",
    "source",
    "source_disabled",
    "beta",
    "restricted",
    "charged",
    "pay",
)
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


def _has(name: str) -> str:
    """'has country', 'supports auth mechanism': the verb the filter's label already carries."""
    label = FILTER_LABELS[name].lower()
    return label if label.startswith("supports ") else f"has {label}"


class ConnectorFilterForm(forms.Form):
    """The connector list's query string: search, filters, sort and page.

    Invalid values never fail the page: the view shows the message and the selector runs with
    the valid part (``query()``), like the admin changelist ignoring a bad lookup.
    """

    q = forms.CharField(required=False, max_length=200, strip=True, label="Search")
    country = forms.CharField(required=False, label=FILTER_LABELS["country"])
    product = forms.CharField(required=False, label=FILTER_LABELS["product"])
    capability = forms.CharField(required=False, label=FILTER_LABELS["capability"])
    auth = forms.CharField(required=False, label=FILTER_LABELS["auth"])
    source = forms.CharField(required=False, label=FILTER_LABELS["source"])
    state = forms.ChoiceField(
        required=False, choices=[("", "any"), *((s, STATE_LABELS[s]) for s in STATES)]
    )
    stability = forms.ChoiceField(
        required=False, choices=[("", "any"), *((s, s) for s in STABILITIES)]
    )
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
        for name in VALUE_FACETS:
            self.fields[name].label = FILTER_LABELS[name]
        for name in (
            "state",
            "stability",
            "beta",
            "restricted",
            "charged",
            "source_disabled",
            "pay",
        ):
            self.fields[name].label = FILTER_LABELS[name]
            self.fields[name].error_messages["invalid_choice"] = (
                f"“%(value)s” is not a valid {FILTER_LABELS[name].lower()} filter: use "
                + " or ".join(c for c, _ in getattr(self.fields[name], "choices", ()) if c)
                + "."
            )
        self.fields["sort"].error_messages["invalid_choice"] = (
            "Unknown sort “%(value)s”: sorted by name."
        )
        self.fields["page"].error_messages["invalid"] = "The page must be a number: showing page 1."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        known = None
        for name in VALUE_FACETS:
            value = (cleaned.get(name) or "").strip()
            if not value:
                continue
            if known is None:
                known = catalogue_known_values(self._status)
            canonical = value.lower() if name == "country" else value
            if not _VALUE.fullmatch(value) or canonical not in known[name]:
                self.add_error(name, f"No connector {_has(name)} “{value}”: filter ignored.")
            else:
                cleaned[name] = canonical
        return cleaned

    def query(self) -> CatalogueQuery:
        """The valid part of the query string (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or "name"
        filters = {name: data[name] for name in FILTER_LABELS if data.get(name)}
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
        """The filter selects in display order, each option with its facet count."""
        return [
            {
                "name": name,
                "label": FILTER_LABELS[name],
                "options": facets[name],
                "any_label": "any but removed" if name == "state" else "any",
            }
            for name in FILTER_ORDER
        ]

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
