"""``manage.py dev_setup``: everything ``make run`` needs after migrate, in one process.

Idempotent, keeps data: roles; with the embedded sandbox, its catalogue in each of its domains
that has none yet (the others keep their demo changes) and the demo accounts that are missing
(existing ones keep their password, role and sessions); then a refresh of the local catalogue
copy (a failure only warns: the previous copy is served). Ends by printing how to sign in.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import (
    DemoAccount,
    demo_accounts_allowed,
    demo_accounts_ensure,
    demo_accounts_lines,
)
from accounts.roles import domain_roles_setup, roles_setup
from connectors_ui.domains.registry import domains
from sandbox.backend import bundled_catalogue
from sandbox.variants import empty_demo_domains, load_demo_domains


class Command(BaseCommand):
    help = "Prepare a development database for `make run` (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where to sign in.")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        roles_setup()
        # Per-domain roles (editor@demo-sandbox…) ready to be given in Django admin.
        domain_roles_setup([domain.name for domain in domains()])
        # sandbox_load upserts the bundled catalogue, resetting hidden/disabled states: run it
        # only on an empty sandbox so that changes made during a demo survive a restart.
        empty = empty_demo_domains() if settings.POWENS_SANDBOX else []
        if empty:
            # First as it was before its renames, refreshed once: the copies then see BoursoBank
            # renamed from "Boursorama Banque" and keep the old name searchable.
            load_demo_domains(bundled_catalogue(before_renames=True), only=empty)
            self._refresh_every_domain()
            load_demo_domains(bundled_catalogue(), only=empty)
        documented = demo_accounts_ensure() if demo_accounts_allowed() else None
        self._refresh_every_domain()
        self._print_sign_in(url, documented)

    def _refresh_every_domain(self) -> None:
        for domain in domains():
            try:
                call_command(
                    "catalogue_refresh", domain=domain.name, stdout=self.stdout, stderr=self.stderr
                )
            except CommandError as error:  # Powens down: serve the previous copy, say so.
                self.stderr.write(f"Warning: {error} The dashboard shows the previous copy.")

    def _print_sign_in(self, url: str, documented: list[DemoAccount] | None) -> None:
        """``documented``: the demo accounts just given their documented password; None
        when demo accounts are not allowed here."""
        rule = "=" * 64
        lines = [rule, f"Powens Connectors Admin → open {url}"]
        if documented is not None:
            lines.append("Embedded Powens sandbox. Demo accounts (sandbox only):")
            lines += demo_accounts_lines(documented)
        else:
            target = "embedded sandbox" if settings.POWENS_SANDBOX else settings.POWENS_BASE_URL
            lines.append(f"Powens: {target}. Demo accounts exist only with the sandbox in")
            lines.append(
                "development: create an account with `.venv/bin/python manage.py createsuperuser`."
            )
        lines.append(rule)
        self.stdout.write("\n".join(lines))
