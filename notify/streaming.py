"""The audit log for a SIEM: the JSON Lines export (the audit page's filters) and the pull
stream by ``seq`` cursor. Lines are ``notify.records.audit_record_json``."""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import QueryDict

from audit.forms import AuditFilterForm
from audit.models import AuditEntry, ChainedRecord
from audit.selectors import audit_entry_list
from audit.services import Actor, RequestMeta, audit_record_export
from notify.records import audit_record_json, audit_records_after, json_line

JSONL_REPORT = "audit-jsonl"
DEFAULT_LIMIT = 1000


class StreamForm(forms.Form):
    after = forms.IntegerField(required=False, min_value=0)
    limit = forms.IntegerField(required=False, min_value=1)

    def clean_limit(self) -> int:
        limit = self.cleaned_data.get("limit") or DEFAULT_LIMIT
        return min(limit, settings.AUDIT_STREAM_MAX_LIMIT)


@dataclass(frozen=True)
class StreamPage:
    records: list[ChainedRecord]
    next_after: int

    def lines(self) -> Iterator[str]:
        return (json_line(record) for record in self.records)


def audit_stream_page(*, after: int, limit: int) -> StreamPage:
    """The records after ``after``, and the cursor to ask with next (unchanged when none)."""
    records = audit_records_after(after, limit=limit)
    return StreamPage(records, records[-1].seq if records else after)


def _export_lines(entries: Iterator[AuditEntry]) -> Iterator[str]:
    for entry in entries:
        line = audit_record_json(entry)
        line["current_outcome"] = getattr(entry, "current_outcome", entry.outcome)
        yield json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n"


def audit_jsonl_export(
    *, params: QueryDict, actor: Actor, request_meta: RequestMeta | None = None
) -> Iterator[str]:
    """The entries the audit page shows for ``params`` (all pages), one JSON object a line,
    recorded as an export when the stream ends (``complete=False`` if it stopped early)."""
    form = AuditFilterForm(params)
    entries = audit_entry_list(form.filters()).iterator(chunk_size=500)
    count, complete = 0, False
    try:
        for line in _export_lines(entries):
            count += 1
            yield line
        complete = True
    finally:
        audit_record_export(
            actor=actor, report=JSONL_REPORT, query_string=params.urlencode(), row_count=count,
            request_meta=request_meta, complete=complete, ignored=form.messages(),
        )  # fmt: skip
