"""Demo accounts exist only with the embedded sandbox in development."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

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


def change_behind_the_commands(username, *, password, role):
    """What a developer does in Django admin or on the password page between two starts."""
    user = get_user_model().objects.get(username=username)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])


def signed_in(client):
    """Whether the client's session still belongs to someone (not bounced to the login)."""
    return client.get(reverse("password_change")).status_code == 200


@override_settings(DJANGO_ENV="development")
def test_dev_setup_keeps_existing_demo_accounts_and_recreates_missing_ones(client, capsys):
    """``make run`` runs dev_setup on every start: it must not sign everyone out."""
    call_command("dev_setup")
    change_behind_the_commands("demo-editor", password="my-own-pass-42", role="viewer")
    get_user_model().objects.filter(username="demo-admin").delete()
    assert client.login(username="demo-editor", password="my-own-pass-42")

    call_command("dev_setup")

    assert signed_in(client)
    editor = authenticate(username="demo-editor", password="my-own-pass-42")
    assert role_of(editor) is Role.VIEWER
    assert authenticate(username="demo-editor", password="demo-editor-pass") is None
    admin = authenticate(username="demo-admin", password="demo-admin-pass")
    assert role_of(admin) is Role.ADMIN and admin.is_staff
    assert "Existing demo accounts were kept as they are" in capsys.readouterr().out


@override_settings(DJANGO_ENV="development")
def test_seed_demo_keeps_existing_accounts_unless_reset(client, capsys):
    call_command("seed_demo")
    assert "kept as they are" not in capsys.readouterr().out
    change_behind_the_commands("demo-viewer", password="my-own-pass-42", role="editor")
    assert client.login(username="demo-viewer", password="my-own-pass-42")

    call_command("seed_demo")

    assert signed_in(client)
    assert role_of(authenticate(username="demo-viewer", password="my-own-pass-42")) is Role.EDITOR
    assert "seed_demo --reset" in capsys.readouterr().out

    call_command("seed_demo", "--reset")

    assert not signed_in(client)  # a new password ends the account's sessions
    viewer = authenticate(username="demo-viewer", password="demo-viewer-pass")
    assert role_of(viewer) is Role.VIEWER
    assert "kept as they are" not in capsys.readouterr().out
