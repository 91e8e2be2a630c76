"""``manage.py audit_verify``: check the chain and its checkpoints; exit 1 naming what failed.

With no arguments it checks every record (sequence, link, hash, MAC, entry link, cut-over) and
every signed checkpoint in ``AUDIT_CHECKPOINT_DIR``: each must name a record still there with
that hash, which is what reveals deleted newest records or truncated tables. ``--checkpoints``
checks a copy instead (say, fetched from write-once storage); ``--expect-head SEQ:HASH`` adds a
head remembered some other way.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import VerifyReport, chain_verify
from audit.checkpoints import CheckpointReport, checkpoints_verify

_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _head(value: str) -> tuple[int, str]:
    match = _HEAD.match(value.strip().lower())
    if match is None:
        raise CommandError("--expect-head takes SEQ:HASH, as printed by an earlier run.")
    return int(match[1]), match[2]


def _failures(chain: VerifyReport, checkpoints: CheckpointReport) -> list[str]:
    failures = []
    if chain.first_break is not None:
        failures.append(
            f"Audit chain broken after {chain.checked} good records: {chain.first_break}"
        )
    if chain.head_problem:
        failures.append(f"Audit chain lacks the expected head: {chain.head_problem}")
    if checkpoints.problem_count:
        lines = f" ({checkpoints.problem_count} of {checkpoints.checked} lines)"
        failures.append(
            f"Checkpoints in {checkpoints.source} fail the checkpoint check"
            f"{lines if checkpoints.checked else ''}:"
        )
        failures += [f"  {problem}" for problem in checkpoints.problems]
        hidden = checkpoints.problem_count - len(checkpoints.problems)
        if hidden:
            failures.append(f"  … and {hidden} more")
    return failures


class Command(BaseCommand):
    help = "Verify the audit log's chain and checkpoints, naming the first broken record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            metavar="PATH",
            type=Path,
            help="A checkpoint file or directory to check against (default: AUDIT_CHECKPOINT_DIR).",
        )
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="A head printed by an earlier run: fail unless the chain still holds it.",
        )

    def handle(self, *args, **options) -> None:
        expect_head = _head(options["expect_head"]) if options["expect_head"] else None
        chain = chain_verify(expect_head)
        checkpoints = checkpoints_verify(options["checkpoints"])
        if failures := _failures(chain, checkpoints):
            raise CommandError("\n".join(failures))
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {chain.checked} records verified.")
        )
        if checkpoints.latest is not None:
            latest = checkpoints.latest
            self.stdout.write(
                f"Checkpoints match: {checkpoints.checked} in {checkpoints.source}, the latest "
                f"at seq {latest.seq} ({latest.at})."
            )
        if chain.head is not None:
            seq, entry_hash = chain.head
            self.stdout.write(
                f"Head: {seq}:{entry_hash} (keep it elsewhere; check later with "
                f"--expect-head {seq}:{entry_hash})"
            )
