"""``manage.py audit_flush_refusals [--all]``: write counted refusals out as summary entries.

Refusals beyond an account and address's burst are counted (``audit.flood``) and written as
one "N more refused attempts" entry once their window has closed, by the next refusal of
anyone. Run this from cron so a count is written even when no refusal follows; ``--all`` also
writes the windows still open (before an archive, say).
"""

from django.core.management.base import BaseCommand, CommandParser

from audit.flood import audit_refusals_flush


class Command(BaseCommand):
    help = "Write counted refused attempts to the audit log as summary entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Also write the windows that are still open."
        )

    def handle(self, *args, **options) -> None:
        written = audit_refusals_flush(include_open=options["all"])
        attempts = sum(entry.details["count"] for entry in written)
        plural = "entry" if len(written) == 1 else "entries"
        self.stdout.write(f"{len(written)} summary {plural} written ({attempts} refused attempts).")
