"""What an endpoint receives for one audit record, in its format.

Standard Webhooks: ``{"type": "audit.<action>", "timestamp": …, "data": <the record's JSON>}``
(``notify.records``). Slack: ``{"text": "<one-line summary> <link|audit #N>"}``, the summary
escaped as Slack asks (``&``, ``<``, ``>``): connector names come from Powens, untrusted. An
entry whose details carry a ``summary`` and a ``link`` (a path of ours: the drift check's
comparison) is summed up and linked by them.
"""

import json
from typing import Any

from django.conf import settings
from django.urls import reverse

from audit.models import AuditEntry, AuditOutcome, ChainedRecord
from notify.models import WebhookFormat
from notify.records import audit_record_json


def _entry_of(record: ChainedRecord) -> AuditEntry:
    return record.entry if isinstance(record, AuditOutcome) else record  # type: ignore[return-value]


def audit_event_type(record: ChainedRecord) -> str:
    """The audit Action an endpoint subscribes to: an outcome's is its entry's."""
    return _entry_of(record).action


def audit_summary(record: ChainedRecord) -> str:
    entry = _entry_of(record)
    who = entry.actor_username or "system"
    what = entry.get_action_display()
    target = entry.connector_name or entry.connector_uuid
    if entry.source_name:
        target = f"{target} / {entry.source_name}" if target else entry.source_name
    subject = f"{what} “{target}”" if target else what
    if summary := entry.details.get("summary"):  # an event that says itself what it is about
        return f"{who} — {what}: {summary}"
    if isinstance(record, AuditOutcome):
        return f"{subject} by {who}: {record.get_outcome_display().lower()}"
    return f"{who} — {subject}: {entry.get_outcome_display().lower()}"


def audit_link(record: ChainedRecord) -> str:
    path = reverse("audit:entry", args=[_entry_of(record).pk])
    return settings.DASHBOARD_URL.rstrip("/") + path


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_body(record: ChainedRecord, *, format: str, summary: str) -> str:
    """The exact text sent (and signed) for ``record``."""
    body: dict[str, Any]
    if format == WebhookFormat.SLACK:
        entry = _entry_of(record)
        link = f"<{audit_link(record)}|audit #{entry.pk}>"
        if path := entry.details.get("link"):  # the page the event points at (drift: compare)
            link = f"<{_slack_escape(settings.DASHBOARD_URL.rstrip('/') + path)}|open> · {link}"
        body = {"text": f"{_slack_escape(summary)} {link}"}
    else:
        data = audit_record_json(record)
        at = data.get("created_at") or data.get("recorded_at")
        body = {"type": f"audit.{audit_event_type(record)}", "timestamp": at, "data": data}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
