"""Roles are Django groups: role_of, role_required, group setup and the staff flag."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command

from accounts.roles import GROUP_NAMES, Role, role_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("group", "role"), [("viewer", Role.VIEWER), ("editor", Role.EDITOR), ("admin", Role.ADMIN)]
)
def test_role_of_is_the_users_group(make_user, group, role):
    assert role_of(make_user(group)) is role


def test_role_of_takes_the_strongest_group(make_user):
    user = make_user("viewer")
    user.groups.add(Group.objects.get(name="editor"))
    assert role_of(user) is Role.EDITOR


def test_superuser_is_admin_without_any_group():
    superuser = get_user_model().objects.create_superuser("root", password="x" * 20)
    assert role_of(superuser) is Role.ADMIN


def test_no_group_inactive_and_anonymous_have_no_role(make_user):
    inactive = make_user("admin", username="gone")
    inactive.is_active = False
    assert role_of(make_user(None)) is Role.NONE
    assert role_of(inactive) is Role.NONE
    assert role_of(AnonymousUser()) is Role.NONE


@pytest.mark.urls("tests.infra.urls")
@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [("viewer_client", 403), ("editor_client", 200), ("admin_client", 200)],
)
def test_role_required_refuses_weaker_roles(request, client_fixture, status):
    response = request.getfixturevalue(client_fixture).get("/probe/editor-only/")
    assert response.status_code == status


@pytest.mark.urls("tests.infra.urls")
def test_anonymous_is_sent_to_login(anon_client):
    response = anon_client.get("/probe/editor-only/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/probe/editor-only/"


def test_groups_exist_after_migrate_and_setup_is_idempotent():
    Group.objects.filter(name="editor").delete()
    call_command("setup_roles")
    call_command("setup_roles")
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(GROUP_NAMES)


def test_admin_group_may_manage_users_and_groups_only():
    codenames = set(Group.objects.get(name="admin").permissions.values_list("codename", flat=True))
    assert {"add_user", "change_user", "delete_user", "view_user", "change_group"} <= codenames
    assert all(c.endswith(("_user", "_group")) for c in codenames)
    assert not Group.objects.get(name="editor").permissions.exists()


def test_joining_admin_group_grants_staff_and_leaving_revokes_it(make_user):
    user = make_user("viewer")
    admin_group = Group.objects.get(name="admin")
    assert not user.is_staff
    admin_group.user_set.add(user)  # from the group's side, as Django admin's group form does
    user.refresh_from_db()
    assert user.is_staff
    user.groups.remove(admin_group)
    user.refresh_from_db()
    assert not user.is_staff


def test_admin_role_can_open_user_management(admin_client, viewer_client):
    assert admin_client.get("/admin/auth/user/").status_code == 200
    assert viewer_client.get("/admin/auth/user/").status_code == 302  # to the admin login
