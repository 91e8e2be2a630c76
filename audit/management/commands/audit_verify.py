"""``manage.py audit_verify``: check the whole hash chain; exit 1 naming the first broken record.

On success it prints the head (newest seq and hash). Keep it outside the database and pass it
back as ``--expect-head SEQ:HASH``: removing the newest rows breaks no link in the chain, so
only a remembered head reveals it.
"""

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import chain_verify

_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _head(value: str) -> tuple[int, str]:
    match = _HEAD.match(value.strip().lower())
    if match is None:
        raise CommandError("--expect-head takes SEQ:HASH, as printed by an earlier run.")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="A head printed by an earlier run: fail unless the chain still holds it.",
        )

    def handle(self, *args, **options) -> None:
        expect_head = _head(options["expect_head"]) if options["expect_head"] else None
        report = chain_verify(expect_head)
        if report.first_break is not None:
            raise CommandError(
                f"Audit chain broken after {report.checked} good records: {report.first_break}"
            )
        if report.head_problem:
            raise CommandError(f"Audit chain lacks the expected head: {report.head_problem}")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} records verified.")
        )
        if report.head is not None:
            seq, entry_hash = report.head
            self.stdout.write(
                f"Head: {seq}:{entry_hash} (keep it elsewhere; check later with "
                f"--expect-head {seq}:{entry_hash})"
            )
