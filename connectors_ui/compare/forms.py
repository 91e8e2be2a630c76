"""The comparison's query string, and what a promotion posts."""

from typing import cast

from django import forms

from connectors_ui.compare.selectors import KIND_LABELS, CompareQuery
from connectors_ui.domains.registry import Domain, domains


def default_pair() -> tuple[Domain, Domain]:
    """Sandbox → production when there are both: the usual direction of a promotion."""
    found = list(domains())
    source = next((d for d in found if not d.is_production), found[0])
    target = next((d for d in found if d.is_production and d != source), None)
    return source, target or next((d for d in found if d != source), source)


class CompareForm(forms.Form):
    source = forms.ChoiceField(required=False)
    target = forms.ChoiceField(required=False)
    country = forms.CharField(required=False, max_length=8)
    product = forms.CharField(required=False, max_length=64)
    kind = forms.ChoiceField(required=False, choices=[("", "Any difference"), *KIND_LABELS.items()])
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(d.name, d.label) for d in domains()]
        for name in ("source", "target"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices

    def query(self) -> CompareQuery:
        """The valid part of the query: an invalid value is ignored, as the list does."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        source, target = default_pair()
        chosen_source = data.get("source") or source.name
        chosen_target = data.get("target") or (
            target.name if target.name != chosen_source else source.name
        )
        return CompareQuery(
            source=chosen_source,
            target=chosen_target,
            country=(data.get("country") or "").strip().lower(),
            product=(data.get("product") or "").strip(),
            kind=data.get("kind") or "",
            page=data.get("page") or 1,
        )


class PromoteForm(forms.Form):
    """Parses only: the service decides (and records) what is refused."""

    source = forms.CharField(required=False, max_length=64)
    target = forms.CharField(required=False, max_length=64)
    query = forms.CharField(required=False, max_length=4000)  # the comparison's, to go back
    select_all = forms.BooleanField(required=False)
    enable = forms.CharField(required=False)  # confirmed: comma-separated UUIDs
    disable = forms.CharField(required=False)
    reason = forms.CharField(required=False, strip=False, max_length=20_000)
    confirm_count = forms.IntegerField(required=False, min_value=0, max_value=1_000_000)
    confirm_domain = forms.CharField(required=False, max_length=200)

    def values(self) -> dict:
        self.is_valid()
        return {n: self.cleaned_data.get(n) if n not in self.errors else None for n in self.fields}

    def listed(self, name: str) -> list[str]:
        return [part for part in (self.values()[name] or "").split(",") if part.strip()]
