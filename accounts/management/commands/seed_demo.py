"""``manage.py seed_demo``: one demo account per role (sandbox + development only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_ACCOUNTS, DemoAccountsRefused, demo_accounts_ensure


class Command(BaseCommand):
    help = (
        "Create the missing demo accounts (viewer, editor, admin) with their documented "
        "passwords; existing ones are kept as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_accounts_ensure()
        except DemoAccountsRefused as refused:
            raise CommandError(str(refused)) from refused
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.role:<7} username: {account.username:<12} password: {account.password}"
            )
