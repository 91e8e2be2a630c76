"""Refused attempts cannot flood the audit log, whose history can never be deleted: each
record's free text is capped with a visible marker."""

import json
import re

from audit.models import AuditEntry, AuditOutcome, Outcome

# What the worst refused POST carried before: 5,000 junk values of 64 characters (the batch
# limit), a 5,000-character reason and an 8 KB user agent.
JUNK = [f"{n:04d}" + "z" * 60 for n in range(5000)]
HEAVY = {"enabled": "0", "selection": ",".join(JUNK), "reason": "r" * 5000}
USER_AGENT = "ua/" + "u" * 8000


def audit_bytes() -> int:
    """What the audit tables hold, as the bytes of every row's values."""
    rows = [list(model.objects.values_list()) for model in (AuditEntry, AuditOutcome)]
    return len(json.dumps(rows, default=str).encode())


def refused_batch(client, ip: str = "10.2.0.1"):
    response = client.post(
        "/changes/batch/apply/", HEAVY, REMOTE_ADDR=ip, HTTP_USER_AGENT=USER_AGENT
    )
    assert response.status_code == 403
    return response


def assert_cut(kept: str, original: str, *, cap: int) -> None:
    """``kept`` is the beginning of ``original`` and a marker counting the rest, in ``cap``."""
    match = re.fullmatch(r"(.*)… \[truncated ([\d,]+) chars\]", kept, re.DOTALL)
    assert match is not None and len(kept) <= cap
    head, dropped = match[1], int(match[2].replace(",", ""))
    assert original.startswith(head) and len(head) + dropped == len(original)


def test_a_refused_post_adds_a_few_kilobytes_with_every_cut_marked(client_for):
    client = client_for("norole")
    before = audit_bytes()
    refused_batch(client)
    added = audit_bytes() - before
    assert added < 8_000  # it was 347,000 (tests/trust/test_insider_flood.py in the report)
    entry = AuditEntry.objects.get(outcome=Outcome.REFUSED)
    assert_cut(entry.reason, HEAVY["reason"], cap=1000)
    assert_cut(entry.user_agent, USER_AGENT, cap=512)
    connectors = entry.details["connectors"]
    assert connectors[-1] == "… [truncated 4,950 items]" and len(connectors) == 51
    assert connectors[0] == JUNK[0] and len(connectors[0]) == 64  # short enough: kept whole
    assert entry.after == {"hidden": True, "count": 5000}  # the real size, uncut
