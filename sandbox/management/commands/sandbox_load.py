from typing import Any

from django.core.management.base import BaseCommand

from sandbox.backend import bundled_catalogue
from sandbox.variants import load_demo_domains


class Command(BaseCommand):
    help = (
        "Load the bundled sandbox catalogue into every sandbox domain, each with its own "
        "differences (idempotent upsert by UUID)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--replace", action="store_true", help="Remove every sandbox connector first."
        )

    def handle(self, *args: Any, replace: bool = False, **options: Any) -> None:
        loaded = load_demo_domains(bundled_catalogue(), replace=replace)
        for name, count in loaded.items():
            self.stdout.write(f"Loaded {count} sandbox connectors into {name}.")
