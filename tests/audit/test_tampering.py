"""The tampering suite: someone with database access but not the audit key changes history;
a plain ``audit_verify`` (no arguments) must notice every time, and say which check failed.

Runs on SQLite and on PostgreSQL, where the tampering is done as the tables' owner with the
append-only triggers disabled (tests/audit/dba.py): the app's own role may not even try
(tests/audit/test_db_roles.py). Records are committed for real, so every append has written
its checkpoint, as in production.
"""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, AuditEntry, AuditOutcome, ChainCutover, Outcome
from audit.sealing import record_hash
from audit.services import (
    Intent,
    Result,
    Target,
    audit_record_export,
    audit_record_intents,
    audit_record_outcome,
    audit_record_refused,
)
from tests.audit.dba import dba, truncate

pytestmark = pytest.mark.django_db(transaction=True)
GUESSED_KEY = b"not-the-audit-key"


@dataclass
class History:
    """seq 1 intent A, 2 its outcome (failed), 3 intent B, 4 its outcome (succeeded),
    5 a refusal, 6 an export."""

    records: list

    def at(self, seq: int):
        return self.records[seq - 1]


def _change(target: str, outcome: Outcome) -> list:
    intent = Intent(Action.CONNECTOR_DISABLE, Target(connector_uuid=target), {"h": 0}, {"h": 1})
    entry = audit_record_intents(actor=None, intents=[intent], reason="r", request_meta=None)
    sealed = entry.entries[0]
    return [sealed, audit_record_outcome(sealed, Result(outcome, powens_status=200))]


@pytest.fixture
def history() -> History:
    records = _change("uuid-a", Outcome.FAILED) + _change("uuid-b", Outcome.SUCCEEDED)
    records.append(
        audit_record_refused(
            actor=None, action=Action.EXPORT, code="forbidden", message="no", request_meta=None
        )
    )
    records.append(
        audit_record_export(actor=None, report="connectors", query_string="", row_count=1)
    )
    call_command("audit_verify")  # intact before anyone touches it
    return History(records)


def _update(cursor, record, **columns) -> None:
    assignments = ", ".join(f"{column} = %s" for column in columns)
    cursor.execute(
        f"UPDATE {record._meta.db_table} SET {assignments} WHERE id = %s",
        [*columns.values(), record.pk],
    )


def _guessed_mac(entry_hash: str) -> str:
    return hmac.new(GUESSED_KEY, entry_hash.encode(), hashlib.sha256).hexdigest()


def _fresh(record):
    return type(record).objects.get(pk=record.pk)


# Each case tampers, then names what audit_verify's message must say.
def edit_a_field(cursor, history: History) -> str:
    _update(cursor, history.at(3), reason="nothing to see")
    return f"audit entry #{history.at(3).pk} (seq 3) fails the hash check"


def turn_failed_into_succeeded(cursor, history: History) -> str:
    _update(cursor, history.at(2), outcome="succeeded")
    return "(seq 2) fails the hash check"


def delete_the_newest(cursor, history: History) -> str:
    cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [history.at(6).pk])
    return "the database holds no record at seq 6"


def delete_a_middle_record(cursor, history: History) -> str:
    cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [history.at(5).pk])
    return "(seq 6) fails the sequence check"


def swap_two_entries_ids(cursor, history: History) -> str:
    """The finding: outcomes point at entries by id, so swapping A's and B's ids would move
    "failed" to B and "succeeded" to A. Foreign keys are checked at commit."""
    first, second = history.at(1).pk, history.at(3).pk
    for old, new in ((first, -1), (second, first), (-1, second)):
        cursor.execute("UPDATE audit_auditentry SET id = %s WHERE id = %s", [new, old])
    return "(seq 1) fails the hash check"


def point_an_outcome_at_another_entry(cursor, history: History) -> str:
    _update(cursor, history.at(2), entry_id=history.at(3).pk)
    return "(seq 2) fails the hash check"


def reorder_two_records(cursor, history: History) -> str:
    refusal, export = history.at(5), history.at(6)
    for record, seq in ((refusal, -5), (export, 5), (refusal, 6)):
        _update(cursor, record, seq=seq)
    return "(seq 5) fails the link check"


def insert_a_forged_record(cursor, history: History) -> str:
    """A well-formed tail record with a correct hash; only the key is missing."""
    forged = _fresh(history.at(6))
    forged.pk, forged.seq, forged.prev_hash = forged.pk + 100, 7, forged.entry_hash
    forged.details = {"report": "connectors", "row_count": 0}
    forged.entry_hash = record_hash(forged)
    forged.mac = _guessed_mac(forged.entry_hash)
    AuditEntry.objects.bulk_create([forged])
    return "(seq 7) fails the MAC check: its MAC does not match"


def sign_with_an_unknown_key_id(cursor, history: History) -> str:
    record = _fresh(history.at(4))
    record.key_id = "stolen"
    _update(cursor, record, key_id="stolen", entry_hash=record_hash(record))
    return "(seq 4) fails the MAC check: it is signed with key id 'stolen'"


def rechain_with_recomputed_hashes(cursor, history: History) -> str:
    """Rewrite seq 2 and re-hash everything after it, as the published rule says."""
    prev_hash = history.at(1).entry_hash
    for seq in range(2, 7):
        record = _fresh(history.at(seq))
        if seq == 2:
            record.outcome = "succeeded"
        record.prev_hash = prev_hash
        record.entry_hash = record_hash(record)
        _update(cursor, record, outcome=record.outcome, prev_hash=prev_hash,
                entry_hash=record.entry_hash, mac=_guessed_mac(record.entry_hash))  # fmt: skip
        prev_hash = record.entry_hash
    return "(seq 2) fails the MAC check"


def strip_the_macs_and_claim_a_cutover(cursor, history: History) -> str:
    """Pass every record off as sealed before the keys (the old rule needs none)."""
    ChainCutover.objects.bulk_create(
        [ChainCutover(seq=6, head_hash=history.at(6).entry_hash, legacy_digest="0" * 64,
                      created_at=history.at(6).created_at, key_id="dev", mac="f" * 64)]
    )  # fmt: skip
    for model in (AuditEntry, AuditOutcome):
        cursor.execute(f"UPDATE {model._meta.db_table} SET mac = '', key_id = ''")
    return "the cut-over record #"


def truncate_the_tables(cursor, history: History) -> str:
    truncate(cursor)
    return "the database holds no record at seq 1"


CASES: list[Callable[..., str]] = [
    edit_a_field,
    turn_failed_into_succeeded,
    delete_the_newest,
    delete_a_middle_record,
    swap_two_entries_ids,
    point_an_outcome_at_another_entry,
    reorder_two_records,
    insert_a_forged_record,
    sign_with_an_unknown_key_id,
    rechain_with_recomputed_hashes,
    strip_the_macs_and_claim_a_cutover,
    truncate_the_tables,
]


@pytest.mark.parametrize("tamper", CASES, ids=[case.__name__ for case in CASES])
def test_a_plain_verify_catches(history, tamper):
    with dba() as cursor:
        expected = tamper(cursor, history)
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert expected in str(failure.value)


def test_deleting_the_newest_and_appending_again_is_caught(history):
    """The app reuses the removed record's seq; its checkpoint still names the old hash."""
    with dba() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [history.at(6).pk])
    audit_record_export(actor=None, report="fields", query_string="", row_count=2)
    with pytest.raises(CommandError, match="the record at seq 6 has another hash"):
        call_command("audit_verify")


def test_a_forged_checkpoint_is_caught(history, checkpoint_dir):
    """Someone who may write the checkpoint file but lacks the key cannot vouch for a head."""
    line = (checkpoint_dir / "checkpoints.jsonl").read_text().splitlines()[-1]
    forged = line.replace('"seq":6', '"seq":5')
    with (checkpoint_dir / "checkpoints.jsonl").open("a") as checkpoints:
        checkpoints.write(forged + "\n")
    with pytest.raises(CommandError, match="line 7: not a valid checkpoint: its MAC does not"):
        call_command("audit_verify")
