"""The transactional outbox: one ``WebhookMessage`` per new audit record and subscribed endpoint,
written inside the append's own transaction (``audit.signals.records_appended``).

So a record and its messages commit together: a crash before the commit loses both (nothing
happened), after it the worker finds the messages (nothing lost). Delivery is the worker's
(``notify.delivery``), never the request's.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from audit.models import ChainedRecord
from notify.domains import audit_record_domain
from notify.events import audit_event_type, audit_summary, webhook_body
from notify.models import WebhookEndpoint, WebhookMessage


def message_id_new() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _messages_for(record: ChainedRecord, endpoints: Sequence[WebhookEndpoint]):
    event_type, domain = audit_event_type(record), audit_record_domain(record)
    summary = audit_summary(record)
    for endpoint in endpoints:
        if endpoint.wants(event_type, domain):
            yield WebhookMessage(
                endpoint=endpoint,
                message_id=message_id_new(),
                event_type=event_type,
                domain=domain,
                audit_seq=record.seq,
                summary=summary[:500],
                body=webhook_body(record, format=endpoint.format, summary=summary),
            )


def outbox_on_append(sender: Any, records: Sequence[ChainedRecord], **kwargs: Any) -> None:
    """Receiver of ``records_appended``: queue the messages the new records call for."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    if not endpoints:
        return
    messages = [m for record in records for m in _messages_for(record, endpoints)]
    WebhookMessage.objects.bulk_create(messages, batch_size=500)
