"""Signed checkpoints outside the database, and the keys: one line per committed append, logged
too; a file that cannot be written never loses the record; keys rotate; secrets stay secret.

Several processes appending to one checkpoint file: tests/audit/test_chain.py (concurrent
writers). Tampering with the file: tests/audit/test_tampering.py.
"""

import json
import logging
import stat

import pytest
from django.core.management import CommandError, call_command

from audit.checkpoints import checkpoints_verify
from audit.models import AuditEntry
from audit.services import audit_record_export

KEY_1, KEY_2 = "first-audit-key-" + "1" * 32, "second-audit-key-" + "2" * 32


@pytest.fixture
def export(db, django_capture_on_commit_callbacks):
    """Append one export and run its commit's callbacks (the checkpoint)."""

    def append() -> AuditEntry:
        with django_capture_on_commit_callbacks(execute=True):
            return audit_record_export(
                actor=None, report="connectors", query_string="", row_count=0
            )

    return append


def _lines(checkpoint_dir) -> list[dict]:
    text = (checkpoint_dir / "checkpoints.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def test_each_append_writes_one_signed_line_and_logs_it(export, checkpoint_dir, caplog, settings):
    caplog.set_level(logging.INFO, logger="audit")
    first, second = export(), export()
    lines = _lines(checkpoint_dir)
    assert [(line["seq"], line["hash"]) for line in lines] == [
        (1, first.entry_hash),
        (2, second.entry_hash),
    ]
    assert {line["kid"] for line in lines} == {settings.AUDIT_KEY_ID}
    assert all(len(line["mac"]) == 64 and line["at"].endswith("+00:00") for line in lines)
    logged = [r.getMessage() for r in caplog.records if r.name == "audit"]
    text = (checkpoint_dir / "checkpoints.jsonl").read_text().splitlines()
    assert logged == [f"audit checkpoint {line}" for line in text]
    assert stat.S_IMODE((checkpoint_dir / "checkpoints.jsonl").stat().st_mode) & 0o007 == 0


def test_an_unwritable_checkpoint_is_logged_and_the_record_kept(export, tmp_path, settings, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.AUDIT_CHECKPOINT_DIR = blocker / "checkpoints"
    caplog.set_level(logging.INFO, logger="audit")
    entry = export()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.getMessage().startswith("audit checkpoint not written to ")
    # The log line is a checkpoint too (a shipper can keep it): it was written first.
    assert any(f'"seq":{entry.seq}' in r.getMessage() for r in caplog.records)


def test_verify_checks_a_copy_and_refuses_to_vouch_without_one(export, tmp_path, checkpoint_dir):
    export(), export()
    copy = tmp_path / "from-write-once-storage.jsonl"
    copy.write_text((checkpoint_dir / "checkpoints.jsonl").read_text())
    call_command("audit_verify", checkpoints=copy)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match="no checkpoint, yet the audit log holds records"):
        call_command("audit_verify", checkpoints=empty)


def test_a_line_that_is_no_checkpoint_fails(export, checkpoint_dir):
    export()
    with (checkpoint_dir / "checkpoints.jsonl").open("a") as checkpoints:
        checkpoints.write('{"seq": "1"}\n')
    report = checkpoints_verify()
    assert report.problems == ["line 2: not a checkpoint"] and report.latest.seq == 1


def test_keys_rotate_and_a_retired_key_still_verifies(export, settings, capsys):
    settings.AUDIT_KEYS, settings.AUDIT_KEY_ID = {"k1": KEY_1}, "k1"
    old = export()
    settings.AUDIT_KEYS, settings.AUDIT_KEY_ID = {"k1": KEY_1, "k2": KEY_2}, "k2"
    new = export()
    assert (old.key_id, new.key_id) == ("k1", "k2")
    call_command("audit_verify")
    assert "2 records verified" in capsys.readouterr().out
    settings.AUDIT_KEYS = {"k2": KEY_2}
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    message = str(failure.value)
    assert "(seq 1) fails the MAC check: it is signed with key id 'k1', which AUDIT_KEYS" in message
    assert "line 1: not a valid checkpoint: it is signed with key id 'k1'" in message


def test_the_audit_key_reaches_no_record_checkpoint_log_or_message(
    export, settings, checkpoint_dir, caplog, capsys
):
    settings.AUDIT_KEYS, settings.AUDIT_KEY_ID = {"k1": KEY_1}, "k1"
    caplog.set_level(logging.DEBUG)
    export()
    call_command("audit_verify")
    settings.AUDIT_KEYS = {"k1": KEY_2}  # the wrong secret: every MAC fails
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    seen = [
        json.dumps(list(AuditEntry.objects.values()), default=str),
        (checkpoint_dir / "checkpoints.jsonl").read_text(),
        "\n".join(r.getMessage() for r in caplog.records),
        capsys.readouterr().out,
        str(failure.value),
    ]
    assert "MAC does not match" in seen[-1]
    for text in seen:
        assert KEY_1 not in text and KEY_2 not in text
