"""``manage.py audit_evidence --domain D --from DATE --to DATE --out FILE``: the auditors' zip."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import Action
from audit.services import audit_record_event
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import UnknownDomain
from notify.evidence import audit_evidence_write


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text[:40]!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Write an evidence bundle (zip) of a domain's changes over a period, checkable offline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--domain", required=True)
        parser.add_argument("--from", dest="date_from", required=True, type=_day)
        parser.add_argument("--to", dest="date_to", required=True, type=_day)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date_from"] > options["date_to"]:
            raise CommandError("--to is before --from.")
        try:
            # The bundle's own record is filed under the domain it is about (its filter, its
            # webhooks); a misspelt name is refused, not answered with an empty signed bundle.
            with domain_scope(options["domain"]):
                self._write(options)
        except UnknownDomain:
            raise CommandError(f"No Powens domain is called {options['domain']!r}.") from None

    def _write(self, options: dict[str, Any]) -> None:
        summary = audit_evidence_write(
            domain=options["domain"],
            date_from=options["date_from"],
            date_to=options["date_to"],
            out=options["out"],
        )
        details = {
            "domain": options["domain"],
            "from": str(options["date_from"]),
            "to": str(options["date_to"]),
            "changes": summary.changes,
            "records": summary.records,
        }
        audit_record_event(
            actor=None, action=Action.EVIDENCE_EXPORT, details=details, actor_username="cli"
        )
        self.stdout.write(
            f"{summary.path}: {summary.changes} changes, {summary.approvals} change requests, "
            f"{summary.records} chain records, {summary.checkpoints} checkpoints; "
            f"chain {'verified' if summary.chain_ok else 'BROKEN (see report.json)'}"
        )
