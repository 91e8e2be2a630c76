"""What a record's hash covers, and the MAC that makes it unforgeable.

``record_hash`` is SHA-256 over a canonical JSON of the record's table and every column that
gives it meaning: its own id (an entry's id is what outcomes, pages and exports point at),
``seq``, ``prev_hash``, ``key_id`` and, for an outcome, ``entry_link`` (its entry's hash). Only
the hash itself and the MAC are left out. Empty values (``None``, and ``""`` outside JSON
columns) are left out too, so a column added later with an empty default does not change the
hashes of the records sealed before it. ``mac`` is HMAC-SHA256 of the hash under
``AUDIT_KEYS[key_id]`` (``audit.keys``).

``legacy_record_hash`` is the rule records were sealed with before migration 0006: the columns
of that time, without the id. It stays frozen here, so those records keep verifying whatever
columns are added later.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import models

from audit.keys import Purpose, current_key_id, sign, signature_problem
from audit.models import ChainedRecord

_UNHASHED = {"entry_hash", "mac"}
# Frozen: exactly the columns each table had before migration 0006, id excepted.
_LEGACY_COLUMNS = {
    "audit.auditentry": (
        "seq", "prev_hash", "created_at", "actor_id", "actor_username", "actor_role",
        "action", "connector_uuid", "connector_name", "source_id", "source_name", "before",
        "after", "reason", "batch_id", "outcome", "error_code", "error_message", "details",
        "client_ip", "user_agent", "request_id",
    ),
    "audit.auditoutcome": (
        "seq", "prev_hash", "entry_id", "recorded_at", "outcome", "resolved_by",
        "powens_status", "error_code", "error_message", "powens_request_id", "observed",
        "actor_id", "actor_username",
    ),
}  # fmt: skip


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _digest(content: dict[str, Any]) -> str:
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _is_empty(field: models.Field, value: Any) -> bool:
    return value is None or (value == "" and not isinstance(field, models.JSONField))


def record_hash(record: ChainedRecord) -> str:
    """SHA-256 over the record's table and all its meaningful columns, its id included."""
    content = {"table": record._meta.label_lower}
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        if field.attname not in _UNHASHED and not _is_empty(field, value):
            content[field.attname] = _canonical(value)
    return _digest(content)


def record_columns(record: ChainedRecord) -> dict[str, Any]:
    """Every column of ``record`` in the canonical form its hash is computed over (empty ones
    too): what a reader outside the database needs to recompute the hash (notify.records)."""
    return {f.attname: _canonical(getattr(record, f.attname)) for f in record._meta.concrete_fields}


def legacy_record_hash(record: models.Model) -> str:
    """The hash a record sealed before migration 0006 carries (historical models too)."""
    label = record._meta.label_lower
    content = {"table": label}
    for attname in _LEGACY_COLUMNS[label]:
        content[attname] = _canonical(getattr(record, attname))
    return _digest(content)


def seal(record: ChainedRecord, *, seq: int, prev_hash: str) -> None:
    """Give ``record`` (its id and, for an outcome, ``entry_link`` set) its place, hash and
    MAC under the current signing key."""
    record.seq, record.prev_hash = seq, prev_hash
    record.key_id = current_key_id()
    record.entry_hash = record_hash(record)
    record.mac = sign(Purpose.RECORD, record.entry_hash, kid=record.key_id)


def mac_problem(record: ChainedRecord) -> str:
    """Why the record's MAC does not vouch for its hash, or ``""``."""
    return signature_problem(Purpose.RECORD, record.entry_hash, kid=record.key_id, mac=record.mac)
