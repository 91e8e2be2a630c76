from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sandbox.backend import generated_catalogue, load_catalogue


class Command(BaseCommand):
    help = (
        "Replace the sandbox catalogue with a deterministic synthetic one of COUNT connectors "
        "(benchmarks); the same --count and --seed always give the same catalogue."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        if count < 0:
            raise CommandError("--count must be zero or more.")
        loaded = load_catalogue(generated_catalogue(count, seed=seed), replace=True)
        self.stdout.write(f"Generated {loaded} sandbox connectors (seed {seed}).")
