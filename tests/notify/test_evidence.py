"""The evidence bundle: written by ``audit_evidence``, verified by ``audit_evidence_verify`` and
by the standalone stdlib script, which also catches a tampered bundle."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import Action, AuditEntry, Outcome
from audit.services import Intent, Result, Target, audit_record_intents, audit_record_outcome
from tests.notify.helpers import export_recorded
from tools.verify_evidence import verify_bundle

pytestmark = pytest.mark.django_db(transaction=True)  # checkpoints are written on commit


def _disable(name: str) -> AuditEntry:
    intent = Intent(
        Action.CONNECTOR_DISABLE,
        Target(connector_uuid=f"uuid-{name}", connector_name=name),
        {"hidden": False},
        {"hidden": True},
    )
    [entry] = audit_record_intents(
        actor=None, intents=[intent], reason="maintenance", request_meta=None
    ).entries
    audit_record_outcome(entry, Result(Outcome.SUCCEEDED, powens_status=200))
    return entry


@pytest.fixture
def bundle(tmp_path):
    _disable("Bank A")
    export_recorded()
    _disable("Bank B")
    path = tmp_path / "evidence.zip"
    today = timezone.localdate().isoformat()
    out = io.StringIO()
    call_command(
        "audit_evidence",
        "--domain",
        "demo-sandbox",
        "--from",
        today,
        "--to",
        today,
        "--out",
        str(path),
        stdout=out,
    )
    assert "2 changes" in out.getvalue() and "5 chain records" in out.getvalue()
    return path


def _keys() -> list[str]:
    return [
        arg
        for kid, secret in settings.AUDIT_KEYS.items()
        for arg in ("--audit-key", f"{kid}:{secret}")
    ]


def test_the_bundle_holds_the_changes_the_chain_and_a_report(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        changes = [json.loads(line) for line in archive.read("changes.jsonl").splitlines()]
        report = json.loads(archive.read("report.json"))
        csv_text = archive.read("changes.csv").decode()
        checkpoints = archive.read("checkpoints.jsonl").splitlines()
    assert names == {
        "changes.csv",
        "changes.jsonl",
        "approvals.jsonl",
        "chain.jsonl",
        "checkpoints.jsonl",
        "report.json",
        "manifest.json",
        "manifest.sig",
    }
    assert [(c["connector_name"], c["current_outcome"]) for c in changes] == [
        ("Bank A", "succeeded"),
        ("Bank B", "succeeded"),
    ]
    assert csv_text.splitlines()[0].startswith("seq,id,created_at") and "Bank B" in csv_text
    assert report["chain"]["ok"] and len(checkpoints) == 5
    assert AuditEntry.objects.filter(action=Action.EVIDENCE_EXPORT).exists()


def test_the_standalone_script_verifies_it_without_django(bundle, tmp_path):
    script = settings.BASE_DIR / "tools" / "verify_evidence.py"
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(bundle), *_keys()],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS hash chain: 5 records linked, hashes and MACs valid" in result.stdout
    assert result.stdout.strip().endswith("VERIFIED")


def test_the_command_verifies_it_with_the_configured_keys(bundle):
    out = io.StringIO()
    call_command("audit_evidence_verify", str(bundle), stdout=out)
    assert "PASS checkpoints: 5 checkpoints valid" in out.getvalue()


def _tampered(bundle, tmp_path, name: str, edit) -> str:
    path = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            target.writestr(item, edit(data) if item == name else data)
    return str(path)


def test_an_edited_change_fails_its_digest_and_a_rewritten_bundle_its_mac(bundle, tmp_path):
    edited = _tampered(bundle, tmp_path, "changes.jsonl", lambda d: d.replace(b"Bank B", b"Bank C"))
    verdict = verify_bundle(edited, dict(settings.AUDIT_KEYS))
    assert not verdict.ok
    assert "changes.jsonl does not match its digest" in "\n".join(verdict.lines())

    def rewrite_manifest(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["chain"]["first_seq"] = 2
        return json.dumps(manifest).encode()

    rewritten = _tampered(bundle, tmp_path, "manifest.json", rewrite_manifest)
    lines = "\n".join(verify_bundle(rewritten, dict(settings.AUDIT_KEYS)).lines())
    assert "FAIL manifest MAC" in lines and "FAIL hash chain" in lines


def test_a_forged_record_fails_its_hash_even_with_matching_digests(bundle):
    """Someone rewriting a record and recomputing the digests still fails the record's hash."""
    with zipfile.ZipFile(bundle) as archive:
        lines = [json.loads(line) for line in archive.read("chain.jsonl").splitlines()]
        manifest = json.loads(archive.read("manifest.json"))
    lines[0]["reason"] = "nothing to see"
    from tools.verify_evidence import check_chain

    problems = check_chain(lines, manifest, dict(settings.AUDIT_KEYS))
    assert problems == [f"seq {lines[0]['seq']}: its content does not match its hash"]


def test_bad_arguments_get_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="is not a date"):
        call_command(
            "audit_evidence",
            "--domain",
            "demo-sandbox",
            "--from",
            "yesterday",
            "--to",
            "2026-01-01",
            "--out",
            str(tmp_path / "x.zip"),
        )
    with pytest.raises(CommandError, match="--to is before --from"):
        call_command(
            "audit_evidence",
            "--domain",
            "demo-sandbox",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
            "--out",
            str(tmp_path / "x.zip"),
        )
    (tmp_path / "junk.zip").write_text("no zip")
    assert (
        subprocess.run(
            [
                sys.executable,
                str(settings.BASE_DIR / "tools" / "verify_evidence.py"),
                str(tmp_path / "junk.zip"),
            ],
            capture_output=True,
            timeout=60,
        ).returncode
        == 2
    )


def _evidence_of(domain: str, out: Path) -> None:
    today = timezone.localdate().isoformat()
    call_command(
        "audit_evidence", "--domain", domain, "--from", today, "--to", today, "--out", str(out)
    )


def test_the_bundles_record_is_filed_under_its_domain(tmp_path):
    _evidence_of("demo-production", tmp_path / "production.zip")
    entry = AuditEntry.objects.get(action=Action.EVIDENCE_EXPORT)
    assert (entry.domain, entry.details["domain"]) == ("demo-production", "demo-production")


def test_a_misspelt_domain_is_refused_not_answered_with_an_empty_bundle(tmp_path):
    with pytest.raises(CommandError, match="No Powens domain is called 'demo-prodution'"):
        _evidence_of("demo-prodution", tmp_path / "typo.zip")
    assert not (tmp_path / "typo.zip").exists()
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_EXPORT).exists()
