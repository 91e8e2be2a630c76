"""One JSON shape for an audit record, shared by the webhooks, the SIEM stream, the JSON Lines
export and the evidence bundle (fields in the README, "Audit streaming").

Every stored column is there under its own name (``actor_id``, ``entry_id``…), in the canonical
form ``audit.sealing`` hashes (times in UTC with microseconds, UUIDs as text), so that a
reader holding the audit key can recompute ``entry_hash`` and check ``mac`` offline
(``tools/verify_evidence.py``). Three keys are added: ``record`` ("entry" or "outcome"),
``table`` (the label the hash covers) and ``domain``; an outcome also gets ``action``, its
entry's.
"""

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEntry, AuditOutcome, ChainedRecord, in_seq_order
from audit.sealing import record_columns
from notify.domains import audit_record_domain

ADDED_KEYS = ("record", "table", "domain", "action")


def record_column_names(model: type[ChainedRecord]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def audit_record_json(record: ChainedRecord) -> dict[str, Any]:
    line: dict[str, Any] = {
        "record": "outcome" if isinstance(record, AuditOutcome) else "entry",
        "table": record._meta.label_lower,
        "domain": audit_record_domain(record),
    }
    line.update(record_columns(record))
    if isinstance(record, AuditOutcome):
        line["action"] = record.entry.action
    return line


def json_line(record: ChainedRecord) -> str:
    return json.dumps(audit_record_json(record), sort_keys=True, ensure_ascii=False) + "\n"


def audit_records_after(after: int, *, limit: int) -> list[ChainedRecord]:
    """Up to ``limit`` records (entries and outcomes) with ``seq > after``, in seq order."""
    entries = AuditEntry.objects.filter(seq__gt=after).order_by("seq")[:limit]
    outcomes = (
        AuditOutcome.objects.filter(seq__gt=after).select_related("entry").order_by("seq")[:limit]
    )
    merged = sorted([*entries, *outcomes], key=lambda record: record.seq)
    return merged[:limit]


def audit_records_between(first: int, last: int) -> Iterator[ChainedRecord]:
    """Every record with ``first <= seq <= last`` in seq order, read in chunks."""
    window = {"seq__gte": first, "seq__lte": last}
    outcomes: QuerySet[AuditOutcome] = AuditOutcome.objects.filter(**window).select_related("entry")
    return in_seq_order(AuditEntry.objects.filter(**window), outcomes)
