#!/usr/bin/env python3
"""Check an audit evidence bundle offline: no database, no Django, the standard library only.

    python3 tools/verify_evidence.py evidence.zip --audit-key k2:<secret> [--audit-key k1:…]

Checks, and prints one line per check with the verdict:

1. every file's SHA-256 matches ``manifest.json``, and no file is missing or extra;
2. ``manifest.sig`` is the HMAC-SHA256 of the manifest under the audit key it names (so
   nobody without the key rewrote manifest and files together);
3. ``chain.jsonl`` is one unbroken stretch of the hash chain: seqs consecutive, each record's
   ``prev_hash`` the previous one's ``entry_hash`` (the first one's is the manifest's
   ``chain.prev_hash``), each ``entry_hash`` recomputed from the record's columns, each ``mac``
   valid under the audit key (records sealed before keyed sealing, without a MAC, are checked
   by their links only);
4. each checkpoint in ``checkpoints.jsonl`` carries a valid MAC and, when its seq is in the
   stretch, the hash the chain has there;
5. each change in ``changes.jsonl`` is a record of the chain, with the same hash.

Without ``--audit-key`` the MAC checks are reported as not done (the digests and links still
are). Exit status 0 when every check passed, 1 otherwise, 2 when the file is no bundle.
"""

import argparse
import hashlib
import hmac
import json
import sys
import zipfile
from dataclasses import dataclass, field

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"


@dataclass
class Verdict:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def add(self, name: str, problems: list[str], done: str) -> None:
        shown = "; ".join(problems[:5]) + (
            f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        self.checks.append((name, not problems, shown or done))

    @property
    def ok(self) -> bool:
        return all(passed for _, passed, _ in self.checks)

    def lines(self) -> list[str]:
        return [f"{'PASS' if ok else 'FAIL'} {name}: {text}" for name, ok, text in self.checks]


def mac(secret: str, purpose: str, message: str) -> str:
    """As ``audit.keys``: HMAC-SHA256 of "<purpose>\\n<message>"."""
    return hmac.new(secret.encode(), f"{purpose}\n{message}".encode(), hashlib.sha256).hexdigest()


def record_hash(line: dict, columns: list[str], json_columns: set[str]) -> str:
    """As ``audit.sealing.record_hash``: the table and every non-empty column but the hash and
    the MAC, as canonical JSON."""
    content = {"table": line["table"]}
    for name in columns:
        value = line.get(name)
        empty = value is None or (value == "" and name not in json_columns)
        if name not in ("entry_hash", "mac") and not empty:
            content[name] = value
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _jsonl(bundle: zipfile.ZipFile, name: str) -> list[dict]:
    return [json.loads(text) for text in bundle.read(name).decode().splitlines() if text.strip()]


def check_files(bundle: zipfile.ZipFile, manifest: dict) -> list[str]:
    listed = manifest["files"]
    present = set(bundle.namelist()) - {MANIFEST, SIGNATURE}
    problems = [f"{name} is missing" for name in sorted(set(listed) - present)]
    problems += [f"{name} is not in the manifest" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        if hashlib.sha256(bundle.read(name)).hexdigest() != listed[name]:
            problems.append(f"{name} does not match its digest: it was changed")
    return problems


def check_signature(bundle: zipfile.ZipFile, keys: dict[str, str]) -> list[str]:
    signature = json.loads(bundle.read(SIGNATURE))
    secret = keys.get(signature.get("kid", ""))
    if secret is None:
        return [f"signed with key id {signature.get('kid')!r}, which was not given"]
    digest = hashlib.sha256(bundle.read(MANIFEST)).hexdigest()
    if not hmac.compare_digest(mac(secret, "audit-evidence", digest), signature.get("mac", "")):
        return ["the manifest's MAC does not match: the bundle was rewritten"]
    return []


def _record_problem(line: dict, manifest: dict, keys: dict[str, str] | None) -> str:
    columns = manifest["columns"][line["table"]]
    if not line.get("mac"):
        return ""  # sealed under the legacy rule: its links are what can be checked
    if record_hash(line, columns, set(manifest["json_columns"])) != line["entry_hash"]:
        return "its content does not match its hash"
    if keys is None:
        return ""
    secret = keys.get(line.get("key_id", ""))
    if secret is None:
        return f"signed with key id {line.get('key_id')!r}, which was not given"
    if not hmac.compare_digest(mac(secret, "audit-record", line["entry_hash"]), line["mac"]):
        return "its MAC does not match"
    return ""


def check_chain(records: list[dict], manifest: dict, keys: dict[str, str] | None) -> list[str]:
    problems: list[str] = []
    seq, prev_hash = manifest["chain"]["first_seq"], manifest["chain"]["prev_hash"]
    for line in records:
        where = f"seq {line.get('seq')}"
        if line["seq"] != seq:
            problems.append(f"{where}: expected seq {seq} (records missing or added)")
        elif line["prev_hash"] != prev_hash:
            problems.append(f"{where}: prev_hash is not the previous record's hash")
        elif problem := _record_problem(line, manifest, keys):
            problems.append(f"{where}: {problem}")
        seq, prev_hash = line["seq"] + 1, line["entry_hash"]
    if records and records[-1]["seq"] != manifest["chain"]["last_seq"]:
        problems.append("the stretch ends before the manifest's last seq")
    return problems


def check_checkpoints(checkpoints: list[dict], hashes: dict[int, str], keys) -> list[str]:
    problems = []
    for point in checkpoints:
        if point["seq"] in hashes and hashes[point["seq"]] != point["hash"]:
            problems.append(f"checkpoint at seq {point['seq']} names another hash than the chain")
        if keys is None:
            continue
        message = json.dumps(
            [point["seq"], point["hash"], point["at"], point["kid"]], separators=(",", ":")
        )
        secret = keys.get(point["kid"])
        if secret is None or not hmac.compare_digest(
            mac(secret, "audit-checkpoint", message), point["mac"]
        ):
            problems.append(f"checkpoint at seq {point['seq']} has no valid MAC")
    return problems


def check_changes(changes: list[dict], hashes: dict[int, str]) -> list[str]:
    return [
        f"change at seq {change['seq']} is not the chain's record there"
        for change in changes
        if hashes.get(change["seq"]) != change["entry_hash"]
    ]


def verify_bundle(path: str, keys: dict[str, str] | None) -> Verdict:
    """Every check on the bundle at ``path``; ``keys`` maps key ids to audit secrets."""
    verdict = Verdict()
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read(MANIFEST))
        verdict.add(
            "file digests", check_files(bundle, manifest), f"{len(manifest['files'])} files match"
        )
        if keys is None:
            verdict.checks.append(("manifest MAC", True, "not checked: no --audit-key given"))
        else:
            verdict.add("manifest MAC", check_signature(bundle, keys), "valid")
        records = _jsonl(bundle, "chain.jsonl")
        hashes = {line["seq"]: line["entry_hash"] for line in records}
        macs = "hashes and MACs" if keys is not None else "hashes (MACs not checked)"
        verdict.add(
            "hash chain",
            check_chain(records, manifest, keys),
            f"{len(records)} records linked, {macs} valid",
        )
        points = _jsonl(bundle, "checkpoints.jsonl")
        verdict.add(
            "checkpoints",
            check_checkpoints(points, hashes, keys),
            f"{len(points)} checkpoints valid",
        )
        changes = _jsonl(bundle, "changes.jsonl")
        verdict.add(
            "changes", check_changes(changes, hashes), f"{len(changes)} changes are chain records"
        )
    return verdict


def parse_keys(pairs: list[str]) -> dict[str, str]:
    return dict(pair.partition(":")[::2] for pair in pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    parser.add_argument("--audit-key", action="append", default=[], help="kid:secret (repeatable)")
    args = parser.parse_args(argv)
    try:
        verdict = verify_bundle(args.bundle, parse_keys(args.audit_key) if args.audit_key else None)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        print(f"not an evidence bundle: {error}", file=sys.stderr)
        return 2
    print("\n".join(verdict.lines()))
    print("VERIFIED" if verdict.ok else "NOT VERIFIED")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
