"""Row builder of the audit log report: one row per entry, as the audit page filters and sorts."""

from collections.abc import Callable, Iterator
from operator import call
from typing import Any

from django.db.models import Expression, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf

from connectors_ui.exports.cells import Cell, as_json, iso_datetime, number, safe_text, text

DB_CHUNK = 500


def _json_unless_empty(value: Any) -> str:
    """``details`` defaults to ``{}``, which is an empty cell rather than ``{}``."""
    return as_json(value or None)


# The latest outcome's message, else the sealed one (an outcome without a message has ""):
# computed by the database, so that the column is one value like the others.
_ERROR_MESSAGE = Coalesce(
    NullIf("latest_error", Value("")), "error_message", output_field=TextField()
)

# One line per CSV column, in order: its header, what ``values_list`` reads, the cell it makes.
_COLUMNS: tuple[tuple[str, str | Expression, Callable[[Any], Cell]], ...] = (
    ("entry_id", "pk", number),
    ("seq", "seq", number),
    ("created_at", "created_at", iso_datetime),
    ("actor", "actor_username", safe_text),
    ("actor_role", "actor_role", safe_text),
    ("action", "action", safe_text),
    ("outcome", "current_outcome", safe_text),
    ("batch_id", "batch_id", text),
    ("connector_uuid", "connector_uuid", safe_text),
    ("connector_name", "connector_name", safe_text),
    ("source_id", "source_id", number),
    ("source_name", "source_name", safe_text),
    ("reason", "reason", safe_text),
    ("before", "before", as_json),
    ("after", "after", as_json),
    ("powens_status", "latest_status", number),
    ("error_code", "error_code", safe_text),
    ("error_message", _ERROR_MESSAGE, safe_text),
    ("request_id", "request_id", safe_text),
    ("details", "details", _json_unless_empty),
    ("domain", "domain", safe_text),  # "" for account events and entries from before domains
)
AUDIT_HEADER = tuple(header for header, _, _ in _COLUMNS)
_VALUES = tuple(value for _, value, _ in _COLUMNS)
_CELLS = tuple(cell for _, _, cell in _COLUMNS)


def audit_rows(entries: QuerySet[Any]) -> Iterator[list[Cell]]:
    """``entries`` from ``audit_entry_list`` (its order kept), read ``DB_CHUNK`` at a time.

    ``outcome`` is the entry's current outcome (its latest outcome row, else the sealed one);
    ``error_message`` likewise prefers the latest outcome's message.
    """
    for row in entries.values_list(*_VALUES).iterator(chunk_size=DB_CHUNK):
        yield list(map(call, _CELLS, row))  # each value through its column's cell
