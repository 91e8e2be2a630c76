"""The admins' forms: an endpoint's configuration, a service token's name, the delivery log's
filter."""

from typing import Any

from django import forms
from django.core.validators import URLValidator

from audit.models import Action
from notify.models import MessageStatus, WebhookEndpoint, WebhookFormat


class WebhookEndpointForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(
        label="URL",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where events are POSTed (http or https).",
    )
    format = forms.ChoiceField(choices=WebhookFormat.choices, initial=WebhookFormat.STANDARD)
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=Action.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "choose at least one event."},
    )
    domain = forms.CharField(
        max_length=100, required=False, help_text="Only this Powens domain; empty for every domain."
    )
    active = forms.BooleanField(required=False, initial=True)

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint, data: Any = None) -> "WebhookEndpointForm":
        initial = {name: getattr(endpoint, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def config(self) -> dict[str, Any]:
        return {**self.cleaned_data, "domain": self.cleaned_data["domain"].strip()}


class ServiceTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Who uses it, e.g. “SIEM (Splunk)”.")


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "All"), *MessageStatus.choices])
    endpoint = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v and k not in self.errors}


class _MessageIds(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError("not a message number.") from None


class RedeliverForm(forms.Form):
    """Which messages to queue again: the ticked ones, or every dead letter (of one endpoint)."""

    message = _MessageIds(required=False)
    all_dead = forms.BooleanField(required=False)
    endpoint = forms.IntegerField(required=False, min_value=1)
