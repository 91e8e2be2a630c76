"""The audit log's filter form: validates the query string for the page and CSV exports."""

from typing import Any, cast

from django import forms

from audit.models import Action, Outcome
from audit.selectors import ACCOUNTS_FILTER, audit_actor_names


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    actor = forms.ChoiceField(required=False)
    action = forms.ChoiceField(
        required=False,
        choices=[("", "Any action"), (ACCOUNTS_FILTER, "Any account event"), *Action.choices],
    )
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    connector = forms.CharField(required=False, max_length=200, label="Connector (UUID or name)")
    batch = forms.UUIDField(required=False, label="Batch id")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        required=False, choices=[("", "Newest first"), ("oldest", "Oldest first")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = cast(forms.ChoiceField, self.fields["actor"])
        actor.choices = [("", "Anyone"), *((n, n) for n in audit_actor_names())]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters only: an invalid field is reported and ignored, never a 500."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
