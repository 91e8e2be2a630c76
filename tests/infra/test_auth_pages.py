"""Sign in, sign out, password change, and the sandbox demo-account hint."""

import pytest
from django.test import Client, override_settings

from tests.fixtures.users import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_public_accessible_and_has_one_heading(anon_client):
    html = anon_client.get("/accounts/login/").content.decode()
    assert html.count("<h1") == 1
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_login_with_right_password_opens_a_session(anon_client, editor_user):
    response = anon_client.post(
        "/accounts/login/",
        {"username": editor_user.username, "password": TEST_PASSWORD, "next": "/audit/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert anon_client.session["_auth_user_id"] == str(editor_user.pk)


def test_login_with_wrong_password_says_so_without_session(anon_client, editor_user):
    response = anon_client.post(
        "/accounts/login/", {"username": editor_user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "Wrong username or password" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_login_refuses_an_external_next(anon_client, viewer_user):
    response = anon_client.post(
        "/accounts/login/",
        {"username": viewer_user.username, "password": TEST_PASSWORD, "next": "https://evil.test/"},
    )
    assert response["Location"] == "/"


def test_logout_needs_post_and_ends_the_session(viewer_client):
    assert viewer_client.get("/accounts/logout/").status_code == 405
    response = viewer_client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in viewer_client.session


def test_header_shows_user_role_and_sandbox(viewer_client, viewer_user):
    html = viewer_client.get("/accounts/password_change/").content.decode()
    assert viewer_user.username in html
    assert '<span class="role-badge">viewer</span>' in html
    assert "Sandbox" in html


def test_password_change_changes_the_password(editor_client, editor_user):
    form = editor_client.get("/accounts/password_change/").content.decode()
    assert form.count("<h1") == 1
    assert '<label for="id_new_password1">' in form
    response = editor_client.post(
        "/accounts/password_change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-better-secret-42",
            "new_password2": "a-much-better-secret-42",
        },
    )
    assert response["Location"] == "/accounts/password_change/done/"
    editor_user.refresh_from_db()
    assert editor_user.check_password("a-much-better-secret-42")
    assert "Password changed" in editor_client.get(response["Location"]).content.decode()


def test_password_change_with_wrong_old_password_changes_nothing(editor_client, editor_user):
    response = editor_client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "x-Y-z-123456", "new_password2": "x-Y-z-123456"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    editor_user.refresh_from_db()
    assert editor_user.check_password(TEST_PASSWORD)


def test_password_change_needs_login(anon_client):
    response = anon_client.get("/accounts/password_change/")
    assert response["Location"] == "/accounts/login/?next=/accounts/password_change/"


@override_settings(DJANGO_ENV="development")
def test_login_page_lists_demo_accounts_in_sandbox_development(anon_client):
    html = anon_client.get("/accounts/login/").content.decode()
    assert "Sandbox demo accounts" in html
    assert "demo-editor" in html


@pytest.mark.parametrize(
    "overrides",
    [
        {"DJANGO_ENV": "test"},
        {"DJANGO_ENV": "production"},
        {"DJANGO_ENV": "development", "POWENS_SANDBOX": False, "POWENS_DOMAIN": "acme"},
    ],
)
def test_login_page_hides_demo_accounts_elsewhere(overrides):
    with override_settings(**overrides):
        html = Client().get("/accounts/login/").content.decode()
    assert "demo-" not in html
