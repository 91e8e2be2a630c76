"""The hash chain: append order, sealing, the append-only guards, concurrent writers, heads.

Tampering behind the application's back is tests/audit/test_tampering.py."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from audit.chain import GENESIS_HASH, chain_verify
from audit.checkpoints import checkpoints_verify
from audit.models import Action, AppendOnlyError, AuditEntry, AuditOutcome, Outcome
from audit.sealing import record_hash
from audit.services import (
    Intent,
    RequestMeta,
    Result,
    Target,
    audit_record_export,
    audit_record_intents,
    audit_record_outcome,
    audit_record_refused,
)
from connectors_ui.web.request_meta import request_meta_from

TARGET = Target(connector_uuid="f711dd7a-6289-5bda-b3a4-f2febda8c046", connector_name="BNP Paribas")


def _intent(actor, target=TARGET) -> AuditEntry:
    intent = Intent(Action.CONNECTOR_DISABLE, target, {"hidden": False}, {"hidden": True})
    return audit_record_intents(
        actor=actor,
        intents=[intent],
        reason="test",
        request_meta=RequestMeta("127.0.0.1", "pytest", "r1"),
    ).entries[0]


@pytest.fixture
def history(editor_user, django_capture_on_commit_callbacks) -> list:
    """Entry, its outcome, a refusal and an export: both tables, one chain; each append's
    checkpoint written as its commit would."""
    with django_capture_on_commit_callbacks(execute=True):
        entry = _intent(editor_user)
        outcome = audit_record_outcome(entry, Result(Outcome.SUCCEEDED, observed={"hidden": True}))
        refused = audit_record_refused(
            actor=editor_user,
            action=Action.CONNECTOR_ENABLE,
            target=TARGET,
            code="stale",
            message="changed",
            request_meta=None,
        )
        export = audit_record_export(
            actor=editor_user, report="connectors", query_string="q=x", row_count=3
        )
    return [entry, outcome, refused, export]


def test_records_chain_in_order_across_both_tables(history):
    assert [r.seq for r in history] == [1, 2, 3, 4]
    assert history[0].prev_hash == GENESIS_HASH
    for previous, record in zip(history, history[1:], strict=False):
        assert record.prev_hash == previous.entry_hash
    stored = AuditEntry.objects.get(pk=history[0].pk)
    assert record_hash(stored) == stored.entry_hash
    assert stored.key_id == settings.AUDIT_KEY_ID and len(stored.mac) == 64
    assert history[1].entry_link == stored.entry_hash  # the outcome is sealed to its entry
    assert stored.actor_username == "editor-user" and stored.actor_role == "editor"
    assert stored.client_ip == "127.0.0.1" and stored.request_id == "r1"
    report = chain_verify()
    assert report.ok and report.checked == 4


def test_verify_command_reports_an_intact_chain(history, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "4 records verified" in out
    assert "Checkpoints match: 4 in " in out and "the latest at seq 4" in out


def test_guarded_models_refuse_update_and_delete(history):
    entry, outcome = history[0], history[1]
    entry.reason = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        outcome.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditOutcome.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.create(action=Action.EXPORT, outcome=Outcome.SUCCEEDED)
    assert AuditEntry.objects.get(pk=entry.pk).reason == "test"
    assert chain_verify().ok


def test_a_second_intent_on_a_target_in_flight_is_a_conflict(editor_user, admin_user):
    first = _intent(editor_user)
    intent = Intent(Action.CONNECTOR_DISABLE, TARGET, {"hidden": False}, {"hidden": True})
    second = audit_record_intents(
        actor=admin_user, intents=[intent], reason="again", request_meta=None
    )
    assert second.entries == [] and second.conflicts == [intent]
    audit_record_outcome(first, Result(Outcome.SUCCEEDED))
    third = audit_record_intents(
        actor=admin_user, intents=[intent], reason="again", request_meta=None
    )
    assert len(third.entries) == 1


WRITER = """
from audit.chain import chain_verify
from audit.models import Outcome
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcome
from audit.models import Action
for i in range(10):
    target = Target(connector_uuid=f"00000000-0000-0000-0000-{N:06d}{i:06d}")
    intent = Intent(Action.CONNECTOR_DISABLE, target, {"hidden": False}, {"hidden": True})
    sealed = audit_record_intents(actor=None, intents=[intent], reason="r", request_meta=None)
    entry = sealed.entries[0]
    audit_record_outcome(entry, Result(Outcome.SUCCEEDED))
"""


def _write_concurrently_with_threads(writers: int) -> None:
    def write(n: int) -> None:
        try:
            exec(WRITER.replace("N:06d", f"{n}:06d"), {})
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _write_concurrently_with_processes(writers: int, db_file: Path) -> None:
    """SQLite's in-memory test database cannot take concurrent writers at all, so the SQLite
    behaviour we rely on in production (file database, BEGIN IMMEDIATE, WAL) is exercised by
    separate processes on a file database."""
    env = {**os.environ, "DJANGO_ENV": "test", "DATABASE_URL": f"sqlite:///{db_file}"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    procs = [
        subprocess.Popen([*manage, "shell", "-c", WRITER.replace("N:06d", f"{n}:06d")], env=env)
        for n in range(writers)
    ]
    assert [proc.wait(timeout=120) for proc in procs] == [0] * writers
    verify = subprocess.run([*manage, "audit_verify"], env=env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    assert f"{writers * 20} records verified" in verify.stdout
    # Every process appended its checkpoints to one file: all lines whole, all valid.
    assert f"Checkpoints match: {writers * 20} in " in verify.stdout


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(tmp_path):
    """Several writers append at once; every record gets its own seq and the chain verifies."""
    if connection.vendor == "sqlite":
        _write_concurrently_with_processes(4, tmp_path / "chain.sqlite3")
        return
    _write_concurrently_with_threads(8)
    assert AuditEntry.objects.count() == 80 and AuditOutcome.objects.count() == 80
    report = chain_verify()
    assert report.ok and report.checked == 160
    checkpoints = checkpoints_verify()
    assert checkpoints.ok and checkpoints.checked == 160 and checkpoints.latest.seq == 160


def _printed_head(capsys) -> str:
    call_command("audit_verify")
    out = capsys.readouterr().out
    head = re.search(r"Head: (\d+:[0-9a-f]{64})", out)
    assert head is not None, out
    return head[1]


def test_verify_prints_the_head_and_checks_it_later(
    history, capsys, django_capture_on_commit_callbacks
):
    head = _printed_head(capsys)
    assert head == f"4:{history[-1].entry_hash}"
    with django_capture_on_commit_callbacks(execute=True):
        audit_record_export(actor=None, report="connectors", query_string="", row_count=0)
    call_command("audit_verify", expect_head=head)
    assert "5 records verified" in capsys.readouterr().out


def test_an_expected_head_with_another_hash_fails(history):
    with pytest.raises(CommandError, match="another hash"):
        call_command("audit_verify", expect_head=f"4:{'a' * 64}")
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("audit_verify", expect_head="4")


def test_request_meta_takes_the_client_address_the_trusted_proxy_saw(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REQUEST_ID="r2"
    )
    assert request_meta_from(request).client_ip == "10.0.0.1"  # no trusted proxy: the peer
    settings.TRUSTED_PROXY_COUNT = 1
    assert request_meta_from(request).client_ip == "203.0.113.9"
    request.META["HTTP_X_FORWARDED_FOR"] = "not an address"
    assert request_meta_from(request).client_ip == ""


def test_nul_bytes_typed_by_a_user_are_recorded_as_replacement_characters(editor_user):
    """PostgreSQL refuses NUL in text and JSON: the attempt must still be recorded."""
    refused = audit_record_refused(
        actor=editor_user,
        action=Action.CONNECTOR_ENABLE,
        target=Target(connector_uuid="\x00bad", connector_name="x"),
        code="not_found",
        message="no such connector",
        reason="typo\x00",
        details={"ref\x00": ["\x00"]},
        request_meta=None,
    )
    stored = AuditEntry.objects.get(pk=refused.pk)
    assert stored.reason == "typo\ufffd" and stored.connector_uuid == "\ufffdbad"
    assert stored.details == {"ref\ufffd": ["\ufffd"]}
    assert chain_verify().ok
