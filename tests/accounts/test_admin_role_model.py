"""The role model in Django admin: the admin role manages people and roles, never rights.

Every test drives the real admin pages as a member of the ``admin`` group (not a superuser)
and asserts what the database holds afterwards, not what the page shows.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.test import Client

from audit.models import Action
from tests.accounts.support import account_events, change_form_data, change_url, post_change
from tests.fixtures.users import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-secret-4711"


def _password_form(password: str) -> dict[str, str]:
    return {"set_usable_password": "true", "password1": password, "password2": password}


def test_admin_cannot_tick_superuser_staff_or_raw_permissions_on_itself(admin_client, admin_user):
    audit_perm = Permission.objects.get(codename="view_auditentry")
    response = post_change(
        admin_client,
        admin_user,
        is_superuser=True,
        is_staff=True,
        user_permissions=[audit_perm.pk],
    )
    assert response.status_code == 302  # saved: the extra fields are simply not in the form
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    assert not admin_user.user_permissions.exists()
    assert not account_events(Action.SUPERUSER_GRANT, Action.PERMISSIONS_CHANGE)


def test_admin_change_form_offers_no_superuser_staff_or_permission_field(admin_client, viewer_user):
    html = admin_client.get(change_url(viewer_user)).content.decode()
    assert 'name="is_active"' in html and 'name="groups"' in html
    for field in ("is_superuser", "is_staff", "user_permissions"):
        assert f'name="{field}"' not in html


def test_superusers_are_invisible_and_untouchable_for_admins(admin_client, superuser):
    assert superuser.username not in admin_client.get("/admin/auth/user/").content.decode()
    # Change page: "does not exist" (a redirect to the admin index), like an unknown id.
    assert admin_client.get(change_url(superuser))["Location"] == "/admin/"
    assert admin_client.get(change_url(superuser, "password")).status_code == 404
    posted = admin_client.post(change_url(superuser, "password"), _password_form(NEW_PASSWORD))
    assert posted.status_code == 404
    admin_client.post(change_url(superuser), {"username": "root", "is_active": ""})
    superuser.refresh_from_db()
    assert superuser.check_password(TEST_PASSWORD) and superuser.is_active
    assert not account_events()


def test_admin_deletes_nobody(admin_client, viewer_user):
    assert admin_client.post(change_url(viewer_user, "delete"), {"post": "yes"}).status_code == 403
    assert type(viewer_user).objects.filter(pk=viewer_user.pk).exists()


def test_admin_may_look_at_roles_but_not_add_change_or_delete_one(admin_client):
    admin_group = Group.objects.get(name="admin")
    before = set(admin_group.permissions.all())
    every = [str(p.pk) for p in Permission.objects.all()]
    group_url = f"/admin/auth/group/{admin_group.pk}/change/"
    assert admin_client.get(group_url).status_code == 200  # read-only view
    assert '<select name="permissions"' not in admin_client.get(group_url).content.decode()
    assert admin_client.post(group_url, {"name": "admin", "permissions": every}).status_code == 403
    add = admin_client.post("/admin/auth/group/add/", {"name": "root-ish", "permissions": every})
    assert add.status_code == 403
    delete_url = f"/admin/auth/group/{admin_group.pk}/delete/"
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert set(admin_group.permissions.all()) == before
    assert not Group.objects.filter(name="root-ish").exists()


def test_admin_gives_only_role_groups_and_keeps_the_others(admin_client, viewer_user):
    auditors = Group.objects.create(name="auditors")  # a superuser's own group
    viewer_user.groups.add(auditors)
    refused = post_change(admin_client, viewer_user, groups=[auditors.pk])
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    editor = Group.objects.get(name="editor")
    assert post_change(admin_client, viewer_user, groups=[editor.pk]).status_code == 302
    assert set(viewer_user.groups.values_list("name", flat=True)) == {"editor", "auditors"}


def test_admin_role_permissions_cannot_edit_permission_rows(admin_user):
    codenames = Group.objects.get(name="admin").permissions.values_list("codename", flat=True)
    assert not [c for c in codenames if c.endswith("_permission")]
    assert admin_user.has_perm("auth.change_user")
    assert not admin_user.has_perm("auth.change_permission")


def test_admin_creates_sets_a_password_and_gives_a_role_all_recorded(admin_client, admin_user):
    form = {"username": "newcomer", "usable_password": "true", **_password_form(NEW_PASSWORD)}
    form.pop("set_usable_password")
    assert admin_client.post("/admin/auth/user/add/", form).status_code == 302
    newcomer = type(admin_user).objects.get(username="newcomer")
    assert admin_client.post(change_url(newcomer, "password"), _password_form(NEW_PASSWORD + "!"))
    editor = Group.objects.get(name="editor")
    assert post_change(admin_client, newcomer, groups=[editor.pk]).status_code == 302

    created, password, role = account_events()
    assert (created.action, created.after["superuser"]) == (Action.ACCOUNT_CREATE, False)
    assert password.action == Action.PASSWORD_SET and password.details["password"] == "changed"
    assert (role.action, role.before, role.after) == (
        Action.ROLE_ADD,
        {"roles": []},
        {"roles": ["editor"]},
    )
    for entry in (created, password, role):
        assert entry.actor_id == admin_user.pk and entry.actor_role == "admin"
        assert entry.details["account"] == {"id": newcomer.pk, "username": "newcomer"}
        assert entry.client_ip == "127.0.0.1"
    assert Client().login(username="newcomer", password=NEW_PASSWORD + "!")


def test_deactivating_ends_every_session_at_once_and_reactivating_is_recorded(
    admin_client, make_user
):
    target = make_user("editor", username="leaver")
    laptop, phone = Client(), Client()
    assert laptop.login(username="leaver", password=TEST_PASSWORD)
    assert phone.login(username="leaver", password=TEST_PASSWORD)
    assert laptop.get("/connectors/").status_code == 200

    assert post_change(admin_client, target, is_active=None).status_code == 302
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(target.pk) not in sessions
    assert laptop.get("/connectors/").status_code == 302  # back to the sign-in page
    assert post_change(admin_client, target, is_active=True).status_code == 302
    assert phone.get("/connectors/").status_code == 302  # the old session stays ended

    off, on = account_events(Action.ACCOUNT_DEACTIVATE, Action.ACCOUNT_REACTIVATE)
    assert (off.before, off.after, off.details["sessions_ended"]) == (
        {"active": True},
        {"active": False},
        2,
    )
    assert (on.action, on.after) == (Action.ACCOUNT_REACTIVATE, {"active": True})


def test_only_a_superuser_grants_and_revokes_superuser(superuser_client, superuser, viewer_user):
    response = superuser_client.get(change_url(viewer_user))
    data = change_form_data(response, is_superuser=True)
    assert superuser_client.post(change_url(viewer_user), data).status_code == 302
    assert post_change(superuser_client, viewer_user, is_superuser=None).status_code == 302
    grant, revoke = account_events(Action.SUPERUSER_GRANT, Action.SUPERUSER_REVOKE)
    assert (grant.action, grant.before, grant.after) == (
        Action.SUPERUSER_GRANT,
        {"superuser": False},
        {"superuser": True},
    )
    assert (revoke.action, revoke.after) == (Action.SUPERUSER_REVOKE, {"superuser": False})
    assert {grant.actor_id, revoke.actor_id} == {superuser.pk}


def test_a_superuser_editing_a_roles_permissions_is_recorded(superuser_client):
    editor = Group.objects.get(name="editor")
    perm = Permission.objects.get(codename="view_auditentry")
    url = f"/admin/auth/group/{editor.pk}/change/"
    response = superuser_client.post(url, {"name": "editor", "permissions": [perm.pk]})
    assert response.status_code == 302
    (entry,) = account_events(Action.PERMISSIONS_CHANGE)
    assert entry.details["role"] == {"id": editor.pk, "name": "editor"}
    assert (entry.before, entry.after) == (
        {"permissions": []},
        {"permissions": ["audit.view_auditentry"]},
    )
