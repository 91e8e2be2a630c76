"""Records sealed before migration 0006 keep verifying by the old rule, and are pinned by the
signed cut-over: their ids, their places and their content cannot change unseen either.

Each test migrates the audit app back to 0005, writes history the way the code of that time
did (its hash rule restated here from the old ``audit.chain.record_hash``), and migrates
forward, as a deployment with existing data does.
"""

import hashlib
import json
from functools import cache

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry, AuditOutcome, ChainCutover
from audit.sealing import _canonical
from audit.services import Result, audit_record_export, audit_record_outcome
from tests.audit.dba import dba
from tests.fixtures.database import as_owner

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = ("audit", "0005_account_actions")


def _old_hash(record) -> str:
    """The rule before 0006: every column of the time but the id and the hash itself."""
    content = {"table": record._meta.label_lower}
    for field in record._meta.concrete_fields:
        if field.attname not in {"id", "entry_hash"}:
            content[field.attname] = _canonical(getattr(record, field.attname))
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


@cache
def _old_apps():
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


def _old_model(name: str):
    return _old_apps().get_model("audit", name)


def _as_old(record):
    """``record`` as the model of the time had it (its columns only)."""
    model = _old_model(type(record).__name__)
    return model(**{f.attname: getattr(record, f.attname) for f in model._meta.concrete_fields})


def _save_old(record, seq: int, prev_hash: str):
    record.seq, record.prev_hash = seq, prev_hash
    record.entry_hash = _old_hash(record)
    record.save()
    return record


def _write_old_history() -> None:
    """seq 1 an intent, 2 its outcome (failed), 3 an intent still pending."""
    entry, outcome = _old_model("AuditEntry"), _old_model("AuditOutcome")
    intent = {"action": "connector_disable", "outcome": "pending"}
    first = _save_old(entry(connector_uuid="uuid-a", **intent), 1, "0" * 64)
    failed = outcome(entry=first, outcome="failed", resolved_by="call", powens_status=500)
    _save_old(failed, 2, first.entry_hash)
    _save_old(entry(connector_uuid="uuid-b", **intent), 3, failed.entry_hash)


@pytest.fixture
def migrated() -> None:
    with as_owner():
        call_command("migrate", *BEFORE, verbosity=0)
        try:
            _write_old_history()
        finally:
            call_command("migrate", verbosity=0)


def test_old_records_verify_after_the_migration_and_new_ones_are_keyed(migrated, capsys):
    cutover = ChainCutover.objects.get()
    assert cutover.seq == 3 and cutover.key_id == "dev" and len(cutover.mac) == 64
    assert set(AuditEntry.objects.values_list("mac", flat=True)) == {""}  # nothing re-sealed
    call_command("audit_verify")
    assert "3 records verified" in capsys.readouterr().out  # the migration's checkpoint too
    pending = AuditEntry.objects.get(seq=3)
    outcome = audit_record_outcome(pending, Result(outcome="succeeded"))
    audit_record_export(actor=None, report="connectors", query_string="", row_count=0)
    assert outcome.mac and outcome.entry_link == pending.entry_hash
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "5 records verified" in out and "the latest at seq 5" in out


def _swap_old_entry_ids(cursor) -> None:
    first, second = (AuditEntry.objects.get(seq=seq).pk for seq in (1, 3))
    for old, new in ((first, -1), (second, first), (-1, second)):
        cursor.execute("UPDATE audit_auditentry SET id = %s WHERE id = %s", [new, old])


def _rechain_old_records(cursor) -> None:
    """Change the old outcome to "succeeded" and re-hash the old part by the old rule."""
    prev_hash = "0" * 64
    for seq, model in ((1, AuditEntry), (2, AuditOutcome), (3, AuditEntry)):
        record = model.objects.get(seq=seq)
        record.outcome = "succeeded" if seq == 2 else record.outcome
        record.prev_hash = prev_hash
        prev_hash = _old_hash(_as_old(record))
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET outcome = %s, prev_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [record.outcome, record.prev_hash, prev_hash, record.pk],
        )


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_swap_old_entry_ids, "fails the cut-over check: the records before the cut-over changed"),
        (_rechain_old_records, "fails the cut-over check: the last record before the cut-over"),
        (
            lambda cursor: cursor.execute("UPDATE audit_auditoutcome SET outcome = 'succeeded'"),
            "(seq 2) fails the hash check: its content does not match its hash (old rule)",
        ),
        (
            lambda cursor: cursor.execute("DELETE FROM audit_chaincutover"),
            "(seq 1) fails the MAC check: it carries no MAC",
        ),
        (
            lambda cursor: cursor.execute("UPDATE audit_chaincutover SET seq = 2"),
            "the cut-over record #1 (seq 2) fails the cut-over check: its MAC does not match",
        ),
    ],
    ids=["swap-ids", "rechain", "edit", "delete-cutover", "move-cutover"],
)
def test_tampering_with_old_records_is_caught(migrated, tamper, expected):
    with dba() as cursor:
        tamper(cursor)
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert expected in str(failure.value)


def test_the_migration_cannot_be_reversed_once_keyed_records_exist(migrated):
    audit_record_export(actor=None, report="connectors", query_string="", row_count=0)
    with as_owner(), pytest.raises(RuntimeError, match="cannot be reversed"):
        call_command("migrate", *BEFORE, verbosity=0)
    with as_owner():  # the later migrations it did reverse (0007, the entry's domain) go back
        call_command("migrate", verbosity=0)
