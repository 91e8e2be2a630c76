"""Building blocks for the webhook tests and the bench: an endpoint, an audit event."""

from itertools import count
from typing import Any

from audit.models import Action, AuditEntry
from audit.services import audit_record_export
from notify.endpoints import NewSecret, webhook_endpoint_create

_numbers = count(1)


def endpoint_new(url: str, **config: Any) -> NewSecret:
    values = {
        "name": f"SIEM hook {next(_numbers)}",  # names are unique
        "url": url,
        "format": "standard",
        "event_types": [Action.EXPORT.value],
        "domain": "",
    }
    return webhook_endpoint_create(actor=None, config={**values, **config})


def export_recorded(rows: int = 3) -> AuditEntry:
    """An audit event any test can cause: someone downloaded a CSV."""
    return audit_record_export(actor=None, report="audit", query_string="", row_count=rows)
