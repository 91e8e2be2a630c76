"""Account and role changes reach the audit chain whatever the path: a shell, a command, code.

No request here, so the actor is "system" (or the command); the admin pages are in
test_admin_role_model.py, sign-ins in test_sign_in_events.py.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from audit.chain import chain_verify
from audit.models import Action, AuditEntry
from tests.accounts.support import account_events
from tests.fixtures.users import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SECRET = "correct-horse-battery-staple-9"


class FewIterationsHasher(PBKDF2PasswordHasher):
    """Cheap PBKDF2, so that a hash made with other iterations needs an upgrade at sign-in."""

    iterations = 10


def _summary(entries: list[AuditEntry]) -> list[tuple]:
    return [(e.action, e.before, e.after) for e in entries]


def test_a_fresh_database_starts_with_no_record_of_the_role_setup():
    """post_migrate granted the admin role its permissions: that is the code, not an event."""
    assert Group.objects.get(name="admin").permissions.exists()
    assert not AuditEntry.objects.exists()


def test_shell_changes_are_each_recorded_with_before_and_after():
    user = get_user_model().objects.create_user("shelly", password=TEST_PASSWORD)
    editor, viewer = Group.objects.get(name="editor"), Group.objects.get(name="viewer")
    user.groups.add(editor)
    viewer.user_set.add(user)  # from the group's side
    user.groups.remove(editor)
    user.is_active = False
    user.save()
    user.is_active, user.is_superuser = True, True
    user.save()
    user.groups.clear()
    user.is_superuser = False
    user.save()

    assert _summary(account_events()) == [
        (Action.ACCOUNT_CREATE, None, {"active": True, "superuser": False, "password": "set"}),
        (Action.ROLE_ADD, {"roles": []}, {"roles": ["editor"]}),
        (Action.ROLE_ADD, {"roles": ["editor"]}, {"roles": ["editor", "viewer"]}),
        (Action.ROLE_REMOVE, {"roles": ["editor", "viewer"]}, {"roles": ["viewer"]}),
        (Action.ACCOUNT_DEACTIVATE, {"active": True}, {"active": False}),
        (Action.ACCOUNT_REACTIVATE, {"active": False}, {"active": True}),
        (Action.SUPERUSER_GRANT, {"superuser": False}, {"superuser": True}),
        (Action.ROLE_REMOVE, {"roles": ["viewer"]}, {"roles": []}),
        (Action.SUPERUSER_REVOKE, {"superuser": True}, {"superuser": False}),
    ]
    for entry in account_events():
        assert (entry.actor_id, entry.actor_username) == (None, "system")
        assert entry.details["account"] == {"id": user.pk, "username": "shelly"}
    assert chain_verify().ok


def test_a_change_that_changes_nothing_records_nothing(make_user):
    user = make_user("viewer")
    user.first_name = "Renamed"
    user.save()
    user.groups.add(Group.objects.get(name="viewer"))  # already there
    user.groups.remove(Group.objects.get(name="editor"))  # never there
    assert not account_events()


def test_createsuperuser_is_recorded_as_that_command(monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py", "createsuperuser"])
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", SECRET)
    call_command("createsuperuser", interactive=False, username="boss", email="b@example.test")
    created, granted = account_events()
    assert (created.action, granted.action) == (Action.ACCOUNT_CREATE, Action.SUPERUSER_GRANT)
    assert {created.actor_username, granted.actor_username} == {"manage.py createsuperuser"}


def test_no_record_holds_a_password_or_its_hash(make_user):
    user = make_user("editor")
    user.set_password(SECRET)
    user.save()
    hashed = user.password
    user.set_unusable_password()
    user.save()
    changed, disabled = account_events(Action.PASSWORD_SET)
    assert (changed.details["password"], disabled.details["password"]) == ("changed", "disabled")
    stored = json.dumps(list(AuditEntry.objects.values()), default=str)
    salt, digest = hashed.split("$")[-2:]
    for secret in (SECRET, TEST_PASSWORD, hashed, salt, digest, user.password):
        assert secret not in stored


@override_settings(PASSWORD_HASHERS=["tests.accounts.test_account_events.FewIterationsHasher"])
def test_a_hash_upgrade_at_sign_in_is_not_a_password_change(make_user):
    user = make_user("viewer")
    user.password = FewIterationsHasher().encode(TEST_PASSWORD, "saltsalt", iterations=5)
    get_user_model().objects.filter(pk=user.pk).update(password=user.password)
    assert Client().login(username=user.username, password=TEST_PASSWORD)
    user.refresh_from_db()
    assert "$10$" in user.password  # upgraded
    assert not account_events(Action.PASSWORD_SET, Action.PASSWORD_CHANGE)


def test_deactivating_in_a_shell_ends_the_sessions_too(make_user):
    user = make_user("editor")
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    user.is_active = False
    user.save()
    owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(user.pk) not in owners
    assert client.get("/connectors/").status_code == 302


def test_an_account_deactivated_behind_the_signals_back_is_refused_on_its_next_request(
    editor_client, editor_user
):
    assert editor_client.get("/connectors/").status_code == 200
    get_user_model().objects.filter(pk=editor_user.pk).update(is_active=False)  # no signal
    response = editor_client.get("/connectors/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_change_rolled_back_leaves_no_record(make_user):
    user = make_user("viewer")
    with pytest.raises(RuntimeError), transaction.atomic():
        user.is_superuser = True
        user.save()
        raise RuntimeError("the caller failed after the save")
    assert not account_events()
    assert chain_verify().ok


def test_deleting_an_account_without_history_is_recorded(make_user):
    user = make_user("editor", username="short-lived")
    pk = user.pk
    user.delete()
    (entry,) = account_events()
    assert entry.action == Action.ACCOUNT_DELETE
    assert entry.details["account"] == {"id": pk, "username": "short-lived"}
    assert entry.before == {
        "active": True,
        "superuser": False,
        "password": "set",
        "roles": ["editor"],
    }


def test_raw_permissions_of_an_account_and_a_role_are_recorded(make_user):
    user = make_user("viewer")
    perm = Permission.objects.get(codename="view_auditentry")
    user.user_permissions.add(perm)
    perm.group_set.add(Group.objects.get(name="viewer"))  # from the permission's side
    on_account, on_role = account_events(Action.PERMISSIONS_CHANGE)
    assert on_account.details["account"]["id"] == user.pk
    assert on_account.after == {"permissions": ["audit.view_auditentry"]}
    assert on_role.details["role"]["name"] == "viewer"
    assert (on_role.before, on_role.after) == (
        {"permissions": []},
        {"permissions": ["audit.view_auditentry"]},
    )


def test_setup_roles_repairing_the_admin_role_is_recorded(monkeypatch):
    admin_group = Group.objects.get(name="admin")
    admin_group.permissions.remove(Permission.objects.get(codename="change_user"))
    monkeypatch.setattr("sys.argv", ["manage.py", "setup_roles"])
    call_command("setup_roles")
    removed, repaired = account_events(Action.PERMISSIONS_CHANGE)
    assert "auth.change_user" not in removed.after["permissions"]
    assert "auth.change_user" in repaired.after["permissions"]
    assert repaired.actor_username == "manage.py setup_roles"


def test_renaming_or_deleting_a_group_records_each_members_roles(make_user):
    members = [make_user(None, username=name) for name in ("ann", "bob")]
    helpers = Group.objects.create(name="helpers")
    helpers.user_set.add(*members)
    helpers.name = "admin-to-be"
    helpers.save()
    helpers.delete()
    renamed = account_events()[2:4]  # after the two additions
    assert [(e.details["account"]["username"], e.before, e.after) for e in renamed] == [
        ("ann", {"roles": ["helpers"]}, {"roles": ["admin-to-be"]}),
        ("bob", {"roles": ["helpers"]}, {"roles": ["admin-to-be"]}),
    ]
    assert renamed[0].details["group"] == {"from": "helpers", "to": "admin-to-be"}
    deleted = account_events()[4:]
    assert [(e.action, e.before, e.after) for e in deleted] == [
        (Action.ROLE_REMOVE, {"roles": ["admin-to-be"]}, {"roles": []}),
    ] * 2


def test_renaming_a_group_into_a_role_is_recorded_as_gaining_it(make_user):
    user = make_user("viewer")
    Group.objects.filter(name="admin").delete()  # no member: nothing to record
    viewer = Group.objects.get(name="viewer")
    viewer.name = "admin"
    viewer.save()
    (entry,) = account_events()
    assert (entry.action, entry.before, entry.after) == (
        Action.ROLE_ADD,
        {"roles": ["viewer"]},
        {"roles": ["admin"]},
    )
    assert entry.details["account"]["id"] == user.pk
