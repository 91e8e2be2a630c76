"""The audit log's filter form: validates the query string for the page and CSV exports."""

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from audit.models import Action, Outcome
from audit.selectors import audit_actor_names

# One day inside the calendar's ends: the selector turns a day into its first instant and the
# next day's (the exclusive end), which must exist as datetimes in any time zone.
# 9999-12-31 used to overflow into a 500 (issue 10).
DATE_MIN = date.min + timedelta(days=1)
DATE_MAX = date.max - timedelta(days=1)
_DATE_BOUNDS = {
    "min_value": f"“%(value)s” is before {DATE_MIN}, the earliest day the log can search; "
    "leave it empty for no limit.",
    "max_value": f"“%(value)s” is after {DATE_MAX}, the last day the log can search; "
    "leave it empty for no limit.",
}


class DayField(forms.DateField):
    """One day of the log, between ``DATE_MIN`` and ``DATE_MAX`` (the picker offers no other)."""

    def __init__(self, **kwargs: Any) -> None:
        bounds = {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
        super().__init__(
            required=False,
            validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)],
            widget=forms.DateInput(attrs={"type": "date", **bounds}),
            error_messages=_DATE_BOUNDS,
            **kwargs,
        )


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    actor = forms.ChoiceField(required=False)
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    connector = forms.CharField(required=False, max_length=200, label="Connector (UUID or name)")
    batch = forms.UUIDField(required=False, label="Batch id")
    date_from = DayField(label="From")
    date_to = DayField(label="To")
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
