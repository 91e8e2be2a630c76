"""``manage.py dev_setup``: everything ``make run`` needs after migrate, in one process.

Idempotent, keeps data: roles; with the embedded sandbox, its catalogue (loaded only when
empty, by ``sandbox_load``) and the demo accounts; then a refresh of the local catalogue copy
when that command is installed. Ends by printing how to sign in.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from connectors_ui.demo import DEMO_ACCOUNTS, demo_accounts_allowed, demo_accounts_ensure
from connectors_ui.roles import roles_setup


class Command(BaseCommand):
    help = "Prepare a development database for `make run` (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where to sign in.")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        roles_setup()
        if settings.POWENS_SANDBOX:
            call_command("sandbox_load", stdout=self.stdout, stderr=self.stderr)
        if demo_accounts_allowed():
            demo_accounts_ensure()
        if "catalogue_refresh" in get_commands():
            call_command("catalogue_refresh", stdout=self.stdout, stderr=self.stderr)
        self._print_sign_in(url)

    def _print_sign_in(self, url: str) -> None:
        rule = "=" * 64
        lines = [rule, f"Powens Connectors Admin → open {url}"]
        if demo_accounts_allowed():
            lines.append("Embedded Powens sandbox. Demo accounts (sandbox only):")
            lines += [
                f"  {a.role:<7} username: {a.username:<12} password: {a.password}"
                for a in DEMO_ACCOUNTS
            ]
        else:
            lines.append(f"Powens: {settings.POWENS_BASE_URL}. No demo accounts outside the")
            lines.append("sandbox: create one with `.venv/bin/python manage.py createsuperuser`.")
        lines.append(rule)
        self.stdout.write("\n".join(lines))
