"""``manage.py seed_demo``: one demo account per role (sandbox + development only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DemoAccountsRefused, demo_accounts_ensure, demo_accounts_lines


class Command(BaseCommand):
    help = (
        "Create the missing demo accounts (viewer, editor, admin) with their documented "
        "passwords; existing ones are kept as they are unless --reset."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Also restore existing demo accounts' documented password and role "
            "(signs them out).",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        try:
            documented = demo_accounts_ensure(reset=reset)
        except DemoAccountsRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write("\n".join(demo_accounts_lines(documented)))
