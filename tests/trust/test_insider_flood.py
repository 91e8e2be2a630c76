"""Refused attempts cannot flood the audit log, whose history can never be deleted: each
record's free text is capped with a visible marker, and beyond a burst per account and address
refusals are counted, then written as one summary entry. Nothing a user did is lost: the
entries in full plus the summaries' counts are every attempt made."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F

from audit.chain import chain_verify
from audit.models import Action, AuditEntry, AuditOutcome, Outcome, RefusalTally
from audit.services import audit_record_refused
from tests.infra.test_production_settings import start_django

BURST = settings.AUDIT_REFUSAL_BURST
# What the worst refused POST carried before: 5,000 junk values of 64 characters (the batch
# limit), a 5,000-character reason and an 8 KB user agent.
JUNK = [f"{n:04d}" + "z" * 60 for n in range(5000)]
HEAVY = {"enabled": "0", "selection": ",".join(JUNK), "reason": "r" * 5000}
USER_AGENT = "ua/" + "u" * 8000


def audit_bytes() -> int:
    """What the audit tables hold, as the bytes of every row's values."""
    rows = [list(model.objects.values_list()) for model in (AuditEntry, AuditOutcome, RefusalTally)]
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


def close_windows() -> None:
    """As if ``AUDIT_REFUSAL_WINDOW`` seconds had passed (the tally is no history: mutable)."""
    window = timedelta(seconds=settings.AUDIT_REFUSAL_WINDOW)
    RefusalTally.objects.update(window_started=F("window_started") - window)


def summaries():
    return AuditEntry.objects.filter(action=Action.REFUSALS_SUMMARY)


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


def test_beyond_the_burst_refusals_are_counted_in_constant_space(client_for):
    client = client_for("norole")
    for _ in range(BURST):
        refused_batch(client)
    full = audit_bytes()
    for _ in range(20):
        refused_batch(client)
    assert AuditEntry.objects.count() == BURST
    assert audit_bytes() - full < 400  # one small counter row, whatever the number
    tally = RefusalTally.objects.get()
    assert (tally.recorded, tally.counted) == (BURST, 20)
    assert tally.actions == {Action.BATCH_DISABLE: 20} and tally.codes == {"forbidden": 20}


def test_a_closed_window_is_summarised_by_the_next_refusal_of_anyone(client_for):
    attacker, bystander = client_for("norole"), client_for("viewer")
    for _ in range(BURST + 7):
        refused_batch(attacker)
    close_windows()
    assert bystander.post("/audit/reconcile/", REMOTE_ADDR="10.2.0.9").status_code == 403
    summary = summaries().get()
    assert summary.details["count"] == 7
    assert summary.details["actions"] == {Action.BATCH_DISABLE: 7}
    assert summary.details["first_at"] <= summary.details["last_at"]
    assert summary.actor_username == "trust-norole" and summary.client_ip == "10.2.0.1"
    assert summary.error_message.startswith("7 more refused attempts from this account")
    assert not RefusalTally.objects.filter(counted__gt=0).exists()
    # The bystander's own refusal is recorded in full, after the summary.
    latest = AuditEntry.objects.latest("seq")
    assert (latest.action, latest.actor_username) == (Action.RECONCILE, "trust-viewer")


def test_each_account_and_address_has_its_own_burst(client_for):
    client = client_for("norole")
    for ip in ("10.3.0.1", "10.3.0.2"):
        for _ in range(BURST + 2):
            refused_batch(client, ip=ip)
    assert AuditEntry.objects.count() == 2 * BURST
    assert sorted(RefusalTally.objects.values_list("client_ip", "counted")) == [
        ("10.3.0.1", 2),
        ("10.3.0.2", 2),
    ]


def test_the_command_writes_closed_windows_and_with_all_the_open_ones(client_for, capsys):
    client = client_for("norole")
    for _ in range(BURST + 3):
        refused_batch(client)
    call_command("audit_flush_refusals")
    assert not summaries().exists()  # the window is still open
    call_command("audit_flush_refusals", "--all")
    assert summaries().get().details["count"] == 3
    assert "1 summary entry written (3 refused attempts)" in capsys.readouterr().out
    # A new window starts: the next refusals are recorded in full again.
    refused_batch(client)
    assert AuditEntry.objects.filter(action=Action.BATCH_DISABLE).count() == BURST + 1


def test_no_attempt_is_lost_and_the_chain_verifies(client_for):
    client, sent = client_for("norole"), 0
    for round_ in range(3):
        for _ in range(BURST + 5 * round_):
            refused_batch(client)
            sent += 1
        close_windows()
    call_command("audit_flush_refusals")
    in_full = AuditEntry.objects.filter(action=Action.BATCH_DISABLE).count()
    counted = sum(summary.details["count"] for summary in summaries())
    assert in_full + counted == sent
    assert (in_full, summaries().count()) == (3 * BURST, 2)
    assert chain_verify().ok


def test_refusals_without_a_request_are_never_limited(norole_user):
    for _ in range(BURST + 5):
        assert audit_record_refused(
            actor=norole_user,
            action=Action.RECONCILE,
            code="forbidden",
            message="m",
            request_meta=None,
        )
    assert AuditEntry.objects.count() == BURST + 5
    assert not RefusalTally.objects.exists()


@pytest.fixture
def norole_user(make_user):
    return make_user(None, username="flood-norole")


@pytest.mark.parametrize("variable", ["AUDIT_REFUSAL_BURST", "AUDIT_REFUSAL_WINDOW"])
def test_settings_refuse_a_burst_or_window_under_one(variable):
    result = start_django({variable: "0"})
    assert result.returncode != 0
    assert "AUDIT_REFUSAL_BURST and AUDIT_REFUSAL_WINDOW must be 1 or more." in result.stderr
