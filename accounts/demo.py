"""Demo accounts: one per role, for the embedded sandbox on a developer machine only.

Their passwords are public (README, login page), so they must never exist anywhere real:
``demo_accounts_allowed`` is the single gate and is checked by every caller.
"""

from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("demo-viewer", "demo-viewer-pass", "viewer"),
    DemoAccount("demo-editor", "demo-editor-pass", "editor"),
    DemoAccount("demo-admin", "demo-admin-pass", "admin"),
)


class DemoAccountsRefused(Exception):
    """Raised when asked to create demo accounts outside sandbox + development."""


def demo_accounts_allowed() -> bool:
    """Only the embedded sandbox in development may have accounts with known passwords."""
    return settings.POWENS_SANDBOX and settings.DJANGO_ENV == "development"


def _documented(user: AbstractUser, account: DemoAccount) -> None:
    """Active, with the documented password (which ends the account's sessions) and role."""
    user.is_active = True
    user.set_password(account.password)
    user.save()
    user.groups.set([Group.objects.get(name=account.role)])


@transaction.atomic
def demo_accounts_ensure(*, reset: bool = False) -> list[DemoAccount]:
    """Create the missing demo accounts; returns the ones given the documented password and role.

    An account that exists is kept as it is (password, groups, active flag, sessions):
    ``make run`` calls this on every start, and resetting would sign everyone out and undo
    what was changed in Django admin. ``reset=True`` restores the documented state on purpose.
    Nothing else about the database is touched, so re-running keeps data.
    """
    if not demo_accounts_allowed():
        raise DemoAccountsRefused(
            "Demo accounts are only created with the embedded sandbox (no POWENS_DOMAIN / "
            "POWENS_API_URL) and DJANGO_ENV=development; create real users with "
            "`manage.py createsuperuser` or in Django admin instead."
        )
    user_model = get_user_model()
    documented: list[DemoAccount] = []
    for account in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(username=account.username)
        if created or reset:
            _documented(user, account)
            documented.append(account)
    return documented


def demo_accounts_lines(documented: Collection[DemoAccount]) -> list[str]:
    """How to sign in, for the commands to print; says when existing accounts were kept,
    since their password or role may have been changed since."""
    lines = [
        f"  {a.role:<7} username: {a.username:<12} password: {a.password}" for a in DEMO_ACCOUNTS
    ]
    if len(documented) < len(DEMO_ACCOUNTS):
        lines.append(
            "  Existing demo accounts were kept as they are (a changed password or role still "
            "holds); `manage.py seed_demo --reset` restores the above."
        )
    return lines
