"""``manage.py audit_reconcile``: resolve pending/unknown change entries from Powens' real state."""

from django.core.management.base import BaseCommand

from audit.services import IN_FLIGHT_SECONDS
from connectors_ui.changes import audit_reconcile


class Command(BaseCommand):
    help = "Resolve pending and unknown audit entries by reading the real state from Powens."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--min-age",
            type=int,
            default=IN_FLIGHT_SECONDS,
            help="Leave pending entries younger than this many seconds alone (they may be in "
            f"flight). Default {IN_FLIGHT_SECONDS}.",
        )

    def handle(self, *args, min_age: int, **options) -> None:
        report = audit_reconcile(min_age_seconds=max(0, min_age))
        self.stdout.write(
            f"Examined {report.examined}: {report.succeeded} succeeded, {report.failed} failed, "
            f"{report.unresolved} still unresolved."
        )
