from typing import Any

from django.core.management.base import BaseCommand

from sandbox.backend import bundled_catalogue, load_catalogue


class Command(BaseCommand):
    help = "Load the bundled sandbox catalogue (idempotent upsert by UUID)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--replace", action="store_true", help="Remove every sandbox connector first."
        )

    def handle(self, *args: Any, replace: bool = False, **options: Any) -> None:
        loaded = load_catalogue(bundled_catalogue(), replace=replace)
        self.stdout.write(f"Loaded {loaded} sandbox connectors.")
