"""Forms of the governance pages. Like the change forms they only parse: the services enforce
every rule (role, reason, self-approval, expiry, stale state) and record refusals. The one rule
checked here is the schedule's times, since a time that a DST change skips or repeats is a
question for the person typing it, not an attempt to change anything."""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone

from connectors_ui.changes.forms import ParsingForm
from governance.proposals import Schedule
from governance.selectors import REQUEST_TABS, STEP_TABS
from governance.timezones import LocalTimeError, to_utc, zone_names


def _reason() -> forms.CharField:
    """A reason as typed (the services strip, require and cap it, and record what came)."""
    return forms.CharField(required=False, strip=False, max_length=20_000)


def _zones() -> list[tuple[str, str]]:
    return [(name, name) for name in zone_names()]


class TabForm(forms.Form):
    """``?tab=`` of a list page; an unknown tab is the first one."""

    tab = forms.CharField(required=False)

    def __init__(self, data: Any, tabs: dict[str, str]) -> None:
        super().__init__(data)
        self.tabs = tabs

    def chosen(self) -> str:
        self.is_valid()
        tab = self.cleaned_data.get("tab") or ""
        return tab if tab in self.tabs else next(iter(self.tabs))


def request_tabs_form(data: Any) -> TabForm:
    return TabForm(data, REQUEST_TABS)


def step_tabs_form(data: Any) -> TabForm:
    return TabForm(data, STEP_TABS)


class ReasonForm(ParsingForm):
    """Approve (an optional comment), reject, edit, withdraw, cancel, bypass: one reason, and
    the revision of the request the page showed."""

    reason = _reason()
    revision = forms.IntegerField(required=False, min_value=1)


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone: ``to_utc`` places it in the chosen one
    (Django's own conversion would use the site's zone, and fail in its DST gaps)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else None


class ScheduleForm(forms.Form):
    """ "At T, disable X" or "from T1 to T2, disable source S of X", in a chosen zone."""

    WHEN = [("at", "At a time"), ("window", "During a window")]

    target = forms.CharField(max_length=32)  # "connector" or a source id
    enabled = forms.TypedChoiceField(
        choices=[("0", "Disable"), ("1", "Enable")], coerce=lambda v: v == "1"
    )
    when = forms.ChoiceField(choices=WHEN)
    starts_at = WallClockField()
    ends_at = WallClockField(required=False)
    time_zone = forms.ChoiceField(choices=_zones)
    reason = _reason()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "window" and not data.get("ends_at"):
            self.add_error("ends_at", "A window needs an end time.")
        target = data.get("target", "")
        if target and target != "connector" and not target.isdigit():
            self.add_error("target", "Choose the connector or one of its sources.")
        return data

    def _utc(self, field: str) -> datetime | None:
        local = self.cleaned_data.get(field)
        if local is None:
            return None
        try:
            return to_utc(local, self.cleaned_data["time_zone"])
        except LocalTimeError as error:
            self.add_error(field, str(error))
            return None

    def schedule(self) -> Schedule | None:
        """The schedule in UTC, or None (with the form's errors) when it cannot be one."""
        if not self.is_valid():
            return None
        starts = self._utc("starts_at")
        ends = self._utc("ends_at") if self.cleaned_data["when"] == "window" else None
        if starts is None or (self.cleaned_data["when"] == "window" and ends is None):
            return None
        return Schedule(starts, ends, self.cleaned_data["time_zone"])

    @property
    def source_id(self) -> int | None:
        target = self.cleaned_data.get("target", "connector")
        return None if target == "connector" else int(target)
