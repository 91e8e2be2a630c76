"""Row builder of the audit log report: one row per entry, as the audit page filters and sorts."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from connectors_ui.exports.cells import Cell, as_json, iso_datetime, number, safe_text, text

DB_CHUNK = 500

AUDIT_HEADER = (
    "entry_id",
    "seq",
    "created_at",
    "actor",
    "actor_role",
    "action",
    "outcome",
    "batch_id",
    "connector_uuid",
    "connector_name",
    "source_id",
    "source_name",
    "reason",
    "before",
    "after",
    "powens_status",
    "error_code",
    "error_message",
    "request_id",
    "details",
)
_VALUES = (
    "pk",
    "seq",
    "created_at",
    "actor_username",
    "actor_role",
    "action",
    "current_outcome",
    "batch_id",
    "connector_uuid",
    "connector_name",
    "source_id",
    "source_name",
    "reason",
    "before",
    "after",
    "latest_status",
    "error_code",
    "latest_error",
    "error_message",
    "request_id",
    "details",
)


def audit_rows(entries: QuerySet[Any]) -> Iterator[list[Cell]]:
    """``entries`` from ``audit_entry_list`` (its order kept), read ``DB_CHUNK`` at a time.

    ``outcome`` is the entry's current outcome (its latest outcome row, else the sealed one);
    ``error_message`` likewise prefers the latest outcome's message.
    """
    rows = entries.values_list(*_VALUES).iterator(chunk_size=DB_CHUNK)
    for (
        pk,
        seq,
        created_at,
        actor,
        role,
        action,
        outcome,
        batch_id,
        connector_uuid,
        connector_name,
        source_id,
        source_name,
        reason,
        before,
        after,
        powens_status,
        error_code,
        latest_error,
        error_message,
        request_id,
        details,
    ) in rows:
        yield [
            pk,
            seq,
            iso_datetime(created_at),
            safe_text(actor),
            safe_text(role),
            safe_text(action),
            safe_text(outcome),
            text(batch_id),
            safe_text(connector_uuid),
            safe_text(connector_name),
            number(source_id),
            safe_text(source_name),
            safe_text(reason),
            as_json(before),
            as_json(after),
            number(powens_status),
            safe_text(error_code),
            safe_text(latest_error or error_message),
            safe_text(request_id),
            as_json(details or None),
        ]
