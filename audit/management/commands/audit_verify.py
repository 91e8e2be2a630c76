"""``manage.py audit_verify``: check the whole hash chain; exit 1 naming the first broken record."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken record."

    def handle(self, *args, **options) -> None:
        report = chain_verify()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken after {report.checked} good records: {report.first_break}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} records verified.")
        )
