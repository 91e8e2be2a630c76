"""The audit log's filter form: validates the query string for the page and CSV exports.

An invalid value is ignored and said in words (``messages()``), naming the value and what to
write instead: the page lists them, the CSV export records them, ``export_report`` fails on
them. Django's own texts ("Enter a valid date.") name neither.
"""

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import Truncator

from audit.models import Action, Outcome
from audit.selectors import ACCOUNTS_FILTER, audit_actor_names, audit_domain_names

# One day inside the calendar's ends: the selector turns a day into its first instant and the
# next day's (the exclusive end), which must exist as datetimes in any time zone.
# 9999-12-31 used to overflow into a 500 (issue 10).
DATE_MIN = date.min + timedelta(days=1)
DATE_MAX = date.max - timedelta(days=1)
# In words, each naming the value: Django's name neither the value nor what to write.
# Each follows the filter's label ("To: …"); a quoted value is cut to QUOTED_CHARS.
QUOTED_CHARS = 40
_MESSAGES = {
    "date": {
        "invalid": "“%(value)s” is not a date; write it as YYYY-MM-DD.",
        "min_value": f"“%(value)s” is before {DATE_MIN}, the earliest day the log can search; "
        "leave it empty for no limit.",
        "max_value": f"“%(value)s” is after {DATE_MAX}, the last day the log can search; "
        "leave it empty for no limit.",
    },
    "actor": {"invalid_choice": "nobody called “%(value)s” appears in the log."},
    "domain": {"invalid_choice": "no entry of the log is about a domain “%(value)s”."},
    "action": {"invalid_choice": "“%(value)s” is not an action the log records."},
    "outcome": {
        "invalid_choice": f"“%(value)s” is not an outcome; use {', '.join(Outcome.values[:-1])} "
        f"or {Outcome.values[-1]}."
    },
    "batch": {"invalid": "“%(value)s” is not a batch id (batch ids are UUIDs)."},
    "sort": {
        "invalid_choice": "unknown sort “%(value)s”; use oldest, or nothing for newest first."
    },
    "text": {"max_length": "at most %(limit_value)d characters (this has %(show_value)d)."},
}


class _QuotesInvalidValue:
    """Date and UUID fields say "Enter a valid …" without the value: pass it to the message."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)  # type: ignore[misc]
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(
                self.error_messages["invalid"],  # type: ignore[attr-defined]
                code="invalid",
                params={"value": value},
            ) from error


class DayField(_QuotesInvalidValue, forms.DateField):
    """One day of the log, between ``DATE_MIN`` and ``DATE_MAX`` (the picker offers no other)."""

    def __init__(self, **kwargs: Any) -> None:
        bounds = {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
        super().__init__(
            required=False,
            validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)],
            widget=forms.DateInput(attrs={"type": "date", **bounds}),
            error_messages=_MESSAGES["date"],
            **kwargs,
        )


class BatchIdField(_QuotesInvalidValue, forms.UUIDField):
    pass


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=200, label="Search", error_messages=_MESSAGES["text"]
    )
    actor = forms.ChoiceField(required=False, error_messages=_MESSAGES["actor"])
    action = forms.ChoiceField(
        required=False,
        choices=[("", "Any action"), (ACCOUNTS_FILTER, "Any account event"), *Action.choices],
        error_messages=_MESSAGES["action"],
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any outcome"), *Outcome.choices],
        error_messages=_MESSAGES["outcome"],
    )
    domain = forms.ChoiceField(required=False, error_messages=_MESSAGES["domain"])
    connector = forms.CharField(
        required=False,
        max_length=200,
        label="Connector (UUID or name)",
        error_messages=_MESSAGES["text"],
    )
    batch = BatchIdField(required=False, label="Batch id", error_messages=_MESSAGES["batch"])
    date_from = DayField(label="From")
    date_to = DayField(label="To")
    sort = forms.ChoiceField(
        required=False,
        choices=[("", "Newest first"), ("oldest", "Oldest first")],
        error_messages=_MESSAGES["sort"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = cast(forms.ChoiceField, self.fields["actor"])
        actor.choices = [("", "Anyone"), *((n, n) for n in audit_actor_names())]
        domain = cast(forms.ChoiceField, self.fields["domain"])
        domain.choices = [("", "Any domain"), *((n, n) for n in audit_domain_names())]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "the end date is before the start date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters only: an invalid field is reported and ignored, never a 500."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def messages(self) -> list[str]:
        """One sentence per invalid value, led by the filter's label ("To: …")."""
        self.is_valid()
        return [
            f"{self[name].label}: {_sentence(error)}" if name in self.fields else _sentence(error)
            for name, errors in self.errors.as_data().items()
            for error in errors
        ]


def _sentence(error: ValidationError) -> str:
    """The error's text with its quoted value cut short: a 10,000-character value would
    otherwise fill the page and the export's audit record."""
    params = dict(error.params or {})
    if "value" in params:
        params["value"] = Truncator(str(params["value"])).chars(QUOTED_CHARS)
    return str(error.message) % params if params else str(error.message)
