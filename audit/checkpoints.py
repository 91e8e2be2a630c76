"""Signed checkpoints of the chain's head, kept outside the database.

Deleting the newest records, or truncating the tables, breaks no link that remains: only a head
remembered elsewhere shows it. So every append, once committed, adds one line to
``AUDIT_CHECKPOINT_DIR/checkpoints.jsonl`` and logs the same line on the ``audit`` logger::

    {"at":"2026-12-01T09:30:00.000000+00:00","hash":"…","kid":"k2","mac":"…","seq":41}

The MAC (``audit.keys``) covers seq, hash, time and key id: without the key nobody can write a
checkpoint that verification accepts. Several processes append at once: each line is a single
``write`` to a file opened ``O_APPEND``, under an exclusive ``flock``, then ``fsync``-ed. Lines
of commits that race may come out of seq order; verification does not mind.

Verification reads every line: each names a record that must still be in the database with
that hash. Checking only the newest would miss deleting the newest records and letting the app
append again, which reuses their seq with another hash.
"""

import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit.keys import Purpose, current_key_id, sign, signature_problem
from audit.models import AuditEntry, AuditOutcome

FILE_NAME = "checkpoints.jsonl"
MAX_PROBLEMS = 10
_HASH = re.compile(r"^[0-9a-f]{64}$")
logger = logging.getLogger("audit")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    kid: str
    mac: str = ""

    def signed_message(self) -> str:
        return json.dumps([self.seq, self.hash, self.at, self.kid], separators=(",", ":"))

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


@dataclass
class CheckpointReport:
    source: Path
    checked: int = 0
    latest: Checkpoint | None = None
    # The first MAX_PROBLEMS, and how many there are: a truncation fails every line.
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def add_problem(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def checkpoint_path(source: Path | None = None) -> Path:
    """The checkpoint file in ``source`` (a directory or the file itself; default: the
    configured directory)."""
    source = Path(source or settings.AUDIT_CHECKPOINT_DIR)
    return source / FILE_NAME if source.is_dir() or not source.suffix else source


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.write(descriptor, f"{line}\n".encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)  # releases the lock


def checkpoint_record(*, seq: int, entry_hash: str) -> Checkpoint:
    """Sign the head ``(seq, entry_hash)``, log it and append it to the checkpoint file.

    Runs after the append committed. A file that cannot be written is logged, not raised: the
    record is already durable, and the caller is often about to call Powens for it.
    """
    now = timezone.now().isoformat(timespec="microseconds")
    unsigned = Checkpoint(seq=seq, hash=entry_hash, at=now, kid=current_key_id())
    checkpoint = Checkpoint(**{**asdict(unsigned), "mac": _mac(unsigned)})
    logger.info("audit checkpoint %s", checkpoint.line())
    path = checkpoint_path()
    try:
        _append_line(path, checkpoint.line())
    except OSError as error:
        logger.error("audit checkpoint not written to %s: %s", path, error.strerror)
    return checkpoint


def _mac(checkpoint: Checkpoint) -> str:
    return sign(Purpose.CHECKPOINT, checkpoint.signed_message(), kid=checkpoint.kid)


def _parse(text: str) -> Checkpoint | str:
    """The checkpoint on a line, or why it is none (unreadable, or its MAC fails)."""
    try:
        fields = json.loads(text)
        checkpoint = Checkpoint(**{name: fields[name] for name in Checkpoint.__annotations__})
    except (ValueError, TypeError, KeyError):
        return "not a checkpoint"
    if not (isinstance(checkpoint.seq, int) and _HASH.match(str(checkpoint.hash))):
        return "not a checkpoint"
    problem = signature_problem(
        Purpose.CHECKPOINT,
        checkpoint.signed_message(),
        kid=str(checkpoint.kid),
        mac=str(checkpoint.mac),
    )
    return f"not a valid checkpoint: {problem}" if problem else checkpoint


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        yield from ((number, text) for number, text in enumerate(lines, 1) if text.strip())


def _hashes_at(seqs: list[int]) -> dict[int, str]:
    hashes: dict[int, str] = {}
    for model in (AuditEntry, AuditOutcome):
        hashes.update(model.objects.filter(seq__in=seqs).values_list("seq", "entry_hash"))
    return hashes


def _mismatch(checkpoint: Checkpoint, found: str | None) -> str:
    if found is None:
        return f"the database holds no record at seq {checkpoint.seq}: removed, or truncated"
    if found != checkpoint.hash:
        return f"the record at seq {checkpoint.seq} has another hash: history was rewritten"
    return ""


def _check_batch(report: CheckpointReport, batch: tuple[tuple[int, str], ...]) -> None:
    parsed = [(number, _parse(text)) for number, text in batch]
    hashes = _hashes_at([c.seq for _, c in parsed if isinstance(c, Checkpoint)])
    for number, checkpoint in parsed:
        report.checked += 1
        if isinstance(checkpoint, str):
            report.add_problem(f"line {number}: {checkpoint}")
            continue
        if problem := _mismatch(checkpoint, hashes.get(checkpoint.seq)):
            report.add_problem(f"line {number} (seq {checkpoint.seq}, {checkpoint.at}): {problem}")
        if report.latest is None or checkpoint.seq > report.latest.seq:
            report.latest = checkpoint


def checkpoints_verify(source: Path | None = None) -> CheckpointReport:
    """Check every checkpoint in ``source`` against the database (in batches: the file grows
    by a line per append, memory does not)."""
    report = CheckpointReport(checkpoint_path(source))
    for batch in batched(_lines(report.source), 2000, strict=False):
        _check_batch(report, batch)
    if not report.checked and (AuditEntry.objects.exists() or AuditOutcome.objects.exists()):
        report.add_problem(
            "no checkpoint, yet the audit log holds records: whether the newest were removed "
            "cannot be told (restore the checkpoints from their write-once copy)"
        )
    return report
