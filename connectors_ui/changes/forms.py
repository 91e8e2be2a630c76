"""Forms for changes. They only parse: every rule (role, reason, typed count, stale state) is
enforced by the change services, which also record refused attempts. A missing or malformed
value therefore reaches the service as None and is refused there, on the record."""

from typing import Any

from django import forms
from django.http import QueryDict

from connectors_ui.catalogue.forms import ConnectorFilterForm
from connectors_ui.catalogue.selectors import connector_search_uuids

BOOLEAN_CHOICES = [("1", "yes"), ("0", "no")]


def _flag(required_message: str = "") -> forms.TypedChoiceField:
    """A "1"/"0" choice, None when missing; with ``required_message``, required, and that
    message when missing or not one of the two."""
    messages = {"required": required_message, "invalid_choice": required_message}
    return forms.TypedChoiceField(
        choices=BOOLEAN_CHOICES,
        coerce=lambda v: v == "1",
        empty_value=None,
        required=bool(required_message),
        error_messages=messages if required_message else None,
    )


class ParsingForm(forms.Form):
    def values(self) -> dict[str, Any]:
        """Cleaned values, None for any field that did not parse."""
        self.is_valid()
        return {
            name: self.cleaned_data.get(name) if name not in self.errors else None
            for name in self.fields
        }


class ToggleForm(ParsingForm):
    """What enabling or disabling posts for either target: the direction and the reason. Each
    target adds the state its page showed; the fields are the toggle service's keywords."""

    enabled = _flag()
    reason = forms.CharField(required=False, strip=False, max_length=20_000)

    def change_args(self) -> dict[str, Any]:
        return self.values()


class ConnectorToggleForm(ToggleForm):
    seen_hidden = _flag()


class SourceToggleForm(ToggleForm):
    seen_disabled = _flag()


CHOOSE_DIRECTION = "Choose enable or disable."


class BatchSelectionForm(ParsingForm):
    """The list's checkboxes, or "select all matching this filter" with the list's query string.

    The direction has no default (disable must never be the choice nobody made); the preview
    writes nothing, so this form may require it itself and say so (``direction_error``)."""

    enabled = _flag(CHOOSE_DIRECTION)
    select_all = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=4000)
    # The rows ticked on other pages and filters (js/batch.js), or those the "choose a
    # direction" page carries on, as one comma-separated field; the ticked rows of the page
    # come as ``uuids`` too. No max_length: an oversized value would parse as an empty
    # selection; the service refuses a selection above the batch limit by its count (the body
    # size is bounded by Django).
    selection = forms.CharField(required=False)

    def selection_uuids(self, data: QueryDict) -> list[str]:
        """The selected UUIDs, each once: the kept selection in the order it was ticked, then
        any ticked row it lacks (without JavaScript, the page's rows are all there is)."""
        values = self.values()
        if values["select_all"]:
            filters = ConnectorFilterForm(QueryDict(values["query"] or ""))
            filters.is_valid()
            return connector_search_uuids(filters.query())
        carried = (values["selection"] or "").split(",")
        return list(dict.fromkeys(v for v in [*carried, *data.getlist("uuids")] if v.strip()))

    def direction_error(self) -> str:
        """The message to show when the direction is missing or not one of the two, else ""."""
        self.is_valid()
        return str(self.errors["enabled"][0]) if "enabled" in self.errors else ""


class BatchConfirmForm(ParsingForm):
    """The confirmed selection travels as ONE comma-separated field: a thousand ``uuids``
    fields would exceed Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) and be rejected."""

    enabled = _flag()
    selection = forms.CharField(required=False)  # unbounded: see BatchSelectionForm
    reason = forms.CharField(required=False, strip=False, max_length=20_000)
    confirm_count = forms.IntegerField(required=False, min_value=0, max_value=1_000_000)
    confirm_domain = forms.CharField(required=False, max_length=200)  # production's name, typed

    def uuids(self) -> list[str]:
        return [part for part in (self.values()["selection"] or "").split(",") if part.strip()]


class RevertConfirmForm(ParsingForm):
    """A revert as confirmed on its preview: the batch or the entry it reverts, the entries
    ticked "leave out" (only those are posted: a 1,000-connector batch stays one field short
    of Django's field limit), the reason and the typed count."""

    batch = forms.UUIDField(required=False)
    entry = forms.IntegerField(required=False, min_value=1)
    reason = forms.CharField(required=False, strip=False, max_length=20_000)
    confirm_count = forms.IntegerField(required=False, min_value=0, max_value=1_000_000)
    confirm_domain = forms.CharField(required=False, max_length=200)  # production's name, typed

    def left_out(self, data: QueryDict) -> list[int]:
        return [int(value) for value in data.getlist("leave_out") if value.isdigit()]
