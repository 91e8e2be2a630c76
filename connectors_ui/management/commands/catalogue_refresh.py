"""``manage.py catalogue_refresh``: refresh the local catalogue copy (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import UnknownDomain, default_domain, domains
from connectors_ui.models import CatalogueSync


class Command(BaseCommand):
    help = "Fetch the whole connector catalogue from Powens into the local copy (one API call)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--domain", default="", help="Which domain (default: the default).")
        parser.add_argument("--all", action="store_true", help="Every domain, one after another.")

    def handle(self, *args: Any, domain: str = "", all: bool = False, **options: Any) -> None:
        names = [d.name for d in domains()] if all else [domain or default_domain().name]
        failed = []
        for name in names:
            try:
                with domain_scope(name):
                    sync = catalogue_refresh(trigger=CatalogueSync.Trigger.COMMAND)
            except UnknownDomain:
                raise CommandError(f"No Powens domain is called {name!r}.") from None
            failed += self._report(sync, name if len(names) > 1 else "")
        if failed:
            # Non-zero exit so cron and monitoring notice; the previous copy is kept.
            raise CommandError(" ".join(failed))

    def _report(self, sync: CatalogueSync, name: str) -> list[str]:
        where = f"{name}: " if name else ""
        if sync.status == CatalogueSync.Status.FAILED:
            return [f"{where}Catalogue refresh #{sync.pk} failed: {sync.error}"]
        if sync.status == CatalogueSync.Status.SKIPPED:
            self.stdout.write(f"{where}Skipped: {sync.error}")
            return []
        self.stdout.write(
            f"{where}Catalogue refresh #{sync.pk}: {sync.summary}. {sync.error}".strip()
        )
        return []
