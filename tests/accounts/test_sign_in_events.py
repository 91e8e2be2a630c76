"""Sign-ins on the audit chain: succeeded, failed, locked out; and changing one's own password."""

import json

import pytest
from django.test import Client, override_settings

from audit.models import Action, AuditEntry, Outcome
from tests.accounts.support import account_events
from tests.fixtures.users import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("throttle_cache")]
LOGIN = "/accounts/login/"
BROWSER = {"HTTP_USER_AGENT": "Firefox/140", "REMOTE_ADDR": "192.0.2.7"}


def _sign_in(client: Client, username: str, password: str, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password}, **BROWSER)


def test_a_sign_in_is_recorded_with_the_account_as_actor(editor_user):
    assert _sign_in(Client(), editor_user.username, TEST_PASSWORD).status_code == 302
    (entry,) = account_events()
    assert (entry.action, entry.outcome) == (Action.SIGN_IN, Outcome.SUCCEEDED)
    assert (entry.actor_id, entry.actor_role) == (editor_user.pk, "editor")
    assert (entry.client_ip, entry.user_agent) == ("192.0.2.7", "Firefox/140")
    assert entry.request_id  # joins the request's log line
    assert entry.details["account"] == {"id": editor_user.pk, "username": editor_user.username}


def test_a_wrong_password_is_a_failed_sign_in_of_that_account(editor_user):
    assert _sign_in(Client(), editor_user.username, "not-it").status_code == 200
    (entry,) = account_events()
    assert (entry.action, entry.outcome) == (Action.SIGN_IN_FAILED, Outcome.FAILED)
    assert (entry.actor_id, entry.actor_username) == (None, "anonymous")
    assert entry.details["account"]["id"] == editor_user.pk
    assert "not-it" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_an_unknown_username_is_not_recorded_it_may_be_a_password(db):
    typed = "my-Secret-password-typed-in-the-wrong-box"
    _sign_in(Client(), typed, "whatever")
    (entry,) = account_events()
    assert entry.action == Action.SIGN_IN_FAILED and entry.details == {"account": None}
    assert typed not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_django_admin_sign_in_form_is_recorded_too(admin_user):
    _sign_in(Client(), admin_user.username, "nope", url="/admin/login/")
    _sign_in(Client(), admin_user.username, TEST_PASSWORD, url="/admin/login/")
    assert [e.action for e in account_events()] == [Action.SIGN_IN_FAILED, Action.SIGN_IN]


@override_settings(LOGIN_THROTTLE_FAILURES=3)
def test_a_lockout_is_recorded_once_and_the_attempts_it_refuses_are_not(editor_user):
    client = Client()
    statuses = [_sign_in(client, editor_user.username, "guess").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    for _ in range(10):  # hammering while locked out, right password included
        assert _sign_in(client, editor_user.username, TEST_PASSWORD).status_code == 429
    entries = account_events()
    assert [e.action for e in entries] == [
        Action.SIGN_IN_FAILED,
        Action.SIGN_IN_FAILED,
        Action.SIGN_IN_LOCKOUT,
    ]
    lockout = entries[-1]
    assert lockout.outcome == Outcome.REFUSED
    assert lockout.details["account"]["id"] == editor_user.pk
    assert lockout.details["failures"] == 3 and lockout.details["seconds"] > 0


def test_changing_ones_own_password_is_recorded_as_such(editor_client, editor_user):
    new = "a-much-better-secret-42"
    response = editor_client.post(
        "/accounts/password_change/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    (entry,) = account_events()
    assert (entry.action, entry.actor_id) == (Action.PASSWORD_CHANGE, editor_user.pk)
    assert entry.details == {
        "account": {"id": editor_user.pk, "username": editor_user.username},
        "password": "changed",
    }
