"""``manage.py audit_evidence_verify FILE``: the offline checks of ``tools/verify_evidence.py``
with the configured audit keys (the same code: it is the auditors' script)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tools.verify_evidence import verify_bundle


class Command(BaseCommand):
    help = "Check an evidence bundle: digests, manifest MAC, chain, checkpoints, changes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verdict = verify_bundle(options["bundle"], dict(settings.AUDIT_KEYS))
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Not an evidence bundle: {error}") from None
        self.stdout.write("\n".join(verdict.lines()))
        if not verdict.ok:
            raise CommandError("NOT VERIFIED")
        self.stdout.write("VERIFIED")
