"""Demo accounts exist only with the embedded sandbox in development."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.demo import DEMO_ACCOUNTS
from accounts.roles import Role, role_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "overrides",
    [
        {"DJANGO_ENV": "test"},
        {"DJANGO_ENV": "production"},
        {"DJANGO_ENV": "development", "POWENS_SANDBOX": False, "POWENS_DOMAIN": "acme"},
    ],
)
def test_seed_demo_refuses_outside_sandbox_development(overrides):
    with override_settings(**overrides), pytest.raises(CommandError, match="only created with"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


@override_settings(DJANGO_ENV="development")
def test_seed_demo_creates_one_working_account_per_role_idempotently(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert get_user_model().objects.count() == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        user = authenticate(username=account.username, password=account.password)
        assert role_of(user) is Role[account.role.upper()]
        assert user.is_staff is (account.role == "admin")
        assert f"username: {account.username:<12} password: {account.password}" in printed
