import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sandbox.backend import load_catalogue
from sandbox.loading import CatalogueError


class Command(BaseCommand):
    help = (
        'Load connectors from a JSON file in the API list-response shape {"connectors": [...]} '
        "(expanded fields and sources). An invalid file changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Remove every sandbox connector first."
        )

    def handle(self, *args: Any, file: Path, replace: bool = False, **options: Any) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{file} is not valid JSON: {error}.") from None
        if not isinstance(data, dict) or not isinstance(data.get("connectors"), list):
            raise CommandError(f'{file} must be a JSON object {{"connectors": [...]}}.')
        try:
            loaded = load_catalogue(data["connectors"], replace=replace)
        except CatalogueError as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(f"Imported {loaded} sandbox connectors from {file}.")
