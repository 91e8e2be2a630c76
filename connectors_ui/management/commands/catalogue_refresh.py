"""``manage.py catalogue_refresh``: refresh the local catalogue copy (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.models import CatalogueSync


class Command(BaseCommand):
    help = "Fetch the whole connector catalogue from Powens into the local copy (one API call)."

    def handle(self, *args: Any, **options: Any) -> None:
        sync = catalogue_refresh(trigger=CatalogueSync.Trigger.COMMAND)
        if sync.status == CatalogueSync.Status.FAILED:
            # Non-zero exit so cron and monitoring notice; the previous copy is kept.
            raise CommandError(f"Catalogue refresh #{sync.pk} failed: {sync.error}")
        if sync.status == CatalogueSync.Status.SKIPPED:
            self.stdout.write(f"Skipped: {sync.error}")
            return
        self.stdout.write(f"Catalogue refresh #{sync.pk}: {sync.summary}. {sync.error}".strip())
