"""The auditors' evidence bundle: one zip with a period's changes, their approvals, the stretch
of the hash chain that holds them, the checkpoints over it and a verification report, checked
offline by ``tools/verify_evidence.py`` (stdlib only) or ``manage.py audit_evidence_verify``.

Files: ``changes.csv`` and ``changes.jsonl`` (the period's writes to Powens of the domain, with
their current outcome), ``approvals.jsonl`` (the change requests behind them, or decided in the
period, with their approvals), ``chain.jsonl`` (every record from the period's first to its last
seq, other actions included: links are checked over an unbroken stretch), ``checkpoints.jsonl``
(the signed heads inside it), ``report.json`` (what the database verification said when the
bundle was written), ``manifest.json`` (each file's SHA-256, the columns each table's hash
covers) and ``manifest.sig`` (its MAC under the audit key).
"""

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db.models import Max, Min, Q
from django.utils import timezone

from audit.chain import GENESIS_HASH, chain_verify
from audit.checkpoints import checkpoint_path, checkpoints_verify
from audit.keys import Purpose, current_key_id, sign
from audit.models import Action, AuditEntry, AuditOutcome, ChainedRecord
from audit.selectors import with_current_outcome
from governance.models import ChangeRequest
from notify.domains import audit_record_domain
from notify.records import audit_record_json, audit_records_between, record_column_names

CHANGE_ACTIONS = (
    Action.CONNECTOR_ENABLE, Action.CONNECTOR_DISABLE, Action.SOURCE_ENABLE,
    Action.SOURCE_DISABLE, Action.BATCH_ENABLE, Action.BATCH_DISABLE,
)  # fmt: skip
CSV_COLUMNS = (
    "seq", "id", "created_at", "actor_username", "actor_role", "action", "current_outcome",
    "connector_uuid", "connector_name", "source_id", "source_name", "reason", "batch_id",
    "change_request", "entry_hash",
)  # fmt: skip


@dataclass(frozen=True)
class BundleSummary:
    path: Path
    changes: int
    approvals: int
    records: int
    checkpoints: int
    chain_ok: bool


def _window(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    return start, timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))


def _seq_range(start: datetime, end: datetime) -> tuple[int, int] | None:
    ranges = [
        AuditEntry.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
            a=Min("seq"), b=Max("seq")
        ),
        AuditOutcome.objects.filter(recorded_at__gte=start, recorded_at__lt=end).aggregate(
            a=Min("seq"), b=Max("seq")
        ),
    ]
    lows = [r["a"] for r in ranges if r["a"] is not None]
    highs = [r["b"] for r in ranges if r["b"] is not None]
    return (min(lows), max(highs)) if lows else None


def _changes(domain: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    entries = with_current_outcome(
        AuditEntry.objects.filter(
            action__in=CHANGE_ACTIONS, created_at__gte=start, created_at__lt=end
        )
    ).order_by("seq")
    lines = []
    for entry in entries.iterator(chunk_size=500):
        if audit_record_domain(entry) == domain:
            line = audit_record_json(entry)
            line["current_outcome"] = entry.current_outcome
            lines.append(line)
    return lines


def _approvals(domain: str, start: datetime, end: datetime, changes: list[dict]) -> list[dict]:
    referenced = {
        c["details"].get("change_request") for c in changes if isinstance(c["details"], dict)
    }
    in_period = Q(proposed_at__gte=start, proposed_at__lt=end) | Q(
        decided_at__gte=start, decided_at__lt=end
    )
    requests = ChangeRequest.objects.filter(
        Q(domain=domain) & (in_period | Q(pk__in=referenced - {None}))
    )
    return [
        _request_json(r) for r in requests.prefetch_related("approvals__approver").order_by("pk")
    ]


def _request_json(request: ChangeRequest) -> dict[str, Any]:
    def who(user: Any) -> str:
        return user.get_username() if user is not None else ""

    return {
        "id": request.pk,
        "domain": request.domain,
        "kind": request.kind,
        "summary": request.summary,
        "reason": request.reason,
        "status": request.status,
        "revision": request.revision,
        "approval_required": request.approval_required,
        "bypassed": request.bypassed,
        "proposed_by": who(request.proposed_by),
        "proposed_at": request.proposed_at.isoformat(),
        "decided_by": who(request.decided_by),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "applied_at": request.applied_at.isoformat() if request.applied_at else None,
        "approvals": [
            {
                "approver": who(a.approver),
                "revision": a.revision,
                "approved_at": a.approved_at.isoformat(),
                "comment": a.comment,
            }
            for a in request.approvals.all()
        ],
    }


def _checkpoints(first: int, last: int) -> list[dict]:
    path = checkpoint_path()
    if not path.is_file():
        return []
    points = []
    for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            point = json.loads(text)
        except ValueError:
            continue
        if (
            isinstance(point, dict)
            and isinstance(point.get("seq"), int)
            and first <= point["seq"] <= last
        ):
            points.append(point)
    return points


def _jsonl(lines: Iterable[dict]) -> bytes:
    return "".join(
        json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n" for line in lines
    ).encode()


def _csv(changes: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for change in changes:
        request = (
            change["details"].get("change_request", "")
            if isinstance(change["details"], dict)
            else ""
        )
        writer.writerow(
            [change.get(c, request if c == "change_request" else "") for c in CSV_COLUMNS]
        )
    return out.getvalue().encode()


def _report() -> dict[str, Any]:
    chain = chain_verify()
    points = checkpoints_verify()
    return {
        "verified_at": timezone.now().isoformat(),
        "chain": {
            "ok": chain.ok,
            "checked": chain.checked,
            "first_break": str(chain.first_break or ""),
        },
        "checkpoints": {"ok": points.ok, "checked": points.checked, "problems": points.problems},
    }


def _prev_hash(first: int) -> str:
    before = [
        m.objects.filter(seq=first - 1).values_list("entry_hash", flat=True).first()
        for m in (AuditEntry, AuditOutcome)
    ]
    return next((h for h in before if h), GENESIS_HASH)


def _manifest(files: dict[str, bytes], **meta: Any) -> bytes:
    tables: list[type[ChainedRecord]] = [AuditEntry, AuditOutcome]
    manifest = {
        "format": "powens-audit-evidence/1",
        **meta,
        "columns": {m._meta.label_lower: record_column_names(m) for m in tables},
        "json_columns": sorted(
            {
                f.attname
                for m in tables
                for f in m._meta.concrete_fields
                if f.get_internal_type() == "JSONField"
            }
        ),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    return json.dumps(manifest, sort_keys=True, indent=1).encode()


def audit_evidence_write(
    *, domain: str, date_from: date, date_to: date, out: Path
) -> BundleSummary:
    """Write the bundle for ``domain`` and the days ``date_from``..``date_to`` (inclusive)."""
    start, end = _window(date_from, date_to)
    first, last = _seq_range(start, end) or (0, -1)
    changes = _changes(domain, start, end)
    records = [audit_record_json(r) for r in audit_records_between(first, last)]
    points = _checkpoints(first, last)
    report = _report()
    approvals = _approvals(domain, start, end, changes)
    files = {
        "changes.csv": _csv(changes),
        "changes.jsonl": _jsonl(changes),
        "approvals.jsonl": _jsonl(approvals),
        "chain.jsonl": _jsonl(records),
        "checkpoints.jsonl": _jsonl(points),
        "report.json": json.dumps(report, indent=1).encode(),
    }
    chain = {
        "first_seq": first,
        "last_seq": last,
        "prev_hash": _prev_hash(first) if records else GENESIS_HASH,
    }
    manifest = _manifest(
        files,
        domain=domain,
        period={"from": date_from.isoformat(), "to": date_to.isoformat()},
        created_at=timezone.now().isoformat(),
        chain=chain,
    )
    kid = current_key_id()
    signature = {
        "kid": kid,
        "mac": sign(Purpose.EVIDENCE, hashlib.sha256(manifest).hexdigest(), kid=kid),
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in {
            **files,
            "manifest.json": manifest,
            "manifest.sig": json.dumps(signature).encode(),
        }.items():
            bundle.writestr(name, data)
    return BundleSummary(
        out, len(changes), len(approvals), len(records), len(points), report["chain"]["ok"]
    )
