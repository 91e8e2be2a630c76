"""Helpers for the account tests: the entries of one kind, and Django admin's change form."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from audit.models import AuditEntry
from audit.selectors import ACCOUNT_ACTIONS


def account_events(*actions: str) -> list[AuditEntry]:
    """Account events (of these actions, if given), oldest first."""
    return list(AuditEntry.objects.filter(action__in=actions or ACCOUNT_ACTIONS).order_by("seq"))


def change_url(user: AbstractBaseUser, page: str = "change") -> str:
    return f"/admin/auth/user/{user.pk}/{page}/"


def _posted(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return "on" if value is True else str(value)


def change_form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """What the admin change form in ``response`` posts back unchanged, plus ``changes``
    (``None`` leaves a field out, as an unticked box does)."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if name == "password" or value in (None, False):
            continue
        if isinstance(value, datetime):  # a split date/time widget (UTC here)
            data[f"{name}_0"], data[f"{name}_1"] = value.date().isoformat(), value.strftime("%T")
        else:
            data[name] = _posted(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = _posted(value)
    return data


def post_change(client: Client, user: AbstractBaseUser, **changes: Any) -> Any:
    """GET the user's admin change form, POST it back with ``changes``."""
    url = change_url(user)
    return client.post(url, change_form_data(client.get(url), **changes))
