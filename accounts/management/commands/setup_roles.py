"""``manage.py setup_roles``: create the viewer/editor/admin groups (idempotent).

post_migrate already does this; the command exists for operators who want to repair the
groups (e.g. after deleting one in Django admin) without running migrate.
"""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.roles import GROUP_NAMES, roles_setup


class Command(BaseCommand):
    help = "Create the viewer, editor and admin groups and the admin group's permissions."

    def handle(self, *args: Any, **options: Any) -> None:
        roles_setup()
        self.stdout.write(f"Roles ready: {', '.join(GROUP_NAMES)}.")
