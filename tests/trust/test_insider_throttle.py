"""Password guessing gains nothing from concurrency or from the password-change form.

The failure count is taken before the password is checked, atomically, so 30 simultaneous
guesses get at most the limit's checks; wrong old passwords on the password-change form count
like failed sign-ins and lock out the same way.
"""

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import aauthenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client, RequestFactory

from accounts import throttle
from accounts.forms import password_change_failed
from tests.fixtures.users import TEST_PASSWORD
from tests.trust import concurrency, insider_race

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD_CHANGE = "/accounts/password_change/"


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Any]:
    tmp_dir = tmp_path_factory.mktemp("insider-race")
    return concurrency.scenario_report(
        "tests.trust.insider_race", insider_race.run_all, tmp_dir, django_db_blocker
    )


def test_concurrent_sign_in_guesses_get_at_most_the_limit_of_password_checks(race):
    guesses = race["sign_in"]
    assert guesses["guesses"] == 30
    assert guesses["password_checks"] in range(1, settings.LOGIN_THROTTLE_FAILURES + 1)
    assert guesses["all_refused"]
    assert guesses["locked_seconds"] > 0


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every password checked against a stored hash, in order."""
    seen: list[str] = []
    original = AbstractBaseUser.check_password

    def counted(user, raw_password):
        seen.append(raw_password)
        return original(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counted)
    return seen


def change_password(client: Client, old: str, *, ip: str = "127.0.0.1"):
    new = "a-much-better-secret-42"
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(PASSWORD_CHANGE, data, REMOTE_ADDR=ip)


@pytest.mark.usefixtures("throttle_cache")
def test_password_change_is_no_oracle_25_wrong_then_the_right_one(
    editor_client, editor_user, checks
):
    limit = settings.LOGIN_THROTTLE_FAILURES
    statuses = [change_password(editor_client, f"guess-{n}").status_code for n in range(25)]
    assert statuses == [200] * (limit - 1) + [429] * (26 - limit)
    right = change_password(editor_client, TEST_PASSWORD)
    assert right.status_code == 429
    assert "Too many wrong passwords for this account from your address" in right.content.decode()
    assert "Try again in 15 minutes." in right.content.decode()
    assert checks == [f"guess-{n}" for n in range(limit)]  # the right one was never checked
    editor_user.refresh_from_db()
    assert editor_user.check_password(TEST_PASSWORD)


@pytest.mark.usefixtures("throttle_cache")
def test_wrong_old_passwords_and_failed_sign_ins_share_one_lock(editor_client, editor_user):
    limit = settings.LOGIN_THROTTLE_FAILURES
    for n in range(limit - 1):
        Client().post(LOGIN, {"username": editor_user.username, "password": f"g{n}"})
    assert change_password(editor_client, "one-more-guess").status_code == 429
    signing_in = {"username": editor_user.username, "password": TEST_PASSWORD}
    assert Client().post(LOGIN, signing_in).status_code == 429
    # The lock is the pair's: another desk may still sign in, and change the password.
    assert Client().post(LOGIN, signing_in, REMOTE_ADDR="10.0.0.5").status_code == 302
    assert change_password(editor_client, TEST_PASSWORD, ip="10.0.0.5").status_code == 302


@pytest.mark.usefixtures("throttle_cache")
def test_each_refused_old_password_is_signalled_for_the_audit_log(editor_client, editor_user):
    seen: list[tuple[str, bool]] = []

    def keep(sender, user, request, locked_out, **kwargs):
        seen.append((user.get_username(), locked_out))

    password_change_failed.connect(keep)
    try:
        for n in range(settings.LOGIN_THROTTLE_FAILURES + 1):
            change_password(editor_client, f"guess-{n}")
        change_password(editor_client, TEST_PASSWORD)
    finally:
        password_change_failed.disconnect(keep)
    name, limit = editor_user.username, settings.LOGIN_THROTTLE_FAILURES
    assert seen == [(name, False)] * limit + [(name, True)] * 2


@pytest.mark.usefixtures("throttle_cache")
def test_the_right_password_on_the_last_allowed_attempt_signs_in_and_lifts_the_lock(
    editor_user, checks
):
    limit = settings.LOGIN_THROTTLE_FAILURES
    for n in range(limit - 1):
        Client().post(LOGIN, {"username": editor_user.username, "password": f"g{n}"})
    signing_in = {"username": editor_user.username, "password": TEST_PASSWORD}
    assert Client().post(LOGIN, signing_in).status_code == 302
    assert throttle.lockout_remaining(editor_user.username, "127.0.0.1") == 0
    # The pair starts afresh: limit - 1 failures again before the lock.
    statuses = [
        Client().post(LOGIN, {"username": editor_user.username, "password": "x"}).status_code
        for _ in range(limit)
    ]
    assert statuses == [200] * (limit - 1) + [429]
    assert len(checks) == 2 * limit


@pytest.mark.usefixtures("throttle_cache")
def test_async_authentication_obeys_the_same_lock(editor_user, checks):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.6")
    guesses = settings.LOGIN_THROTTLE_FAILURES + 3
    for n in range(guesses):
        assert (
            async_to_sync(aauthenticate)(request, username=editor_user.username, password=f"g{n}")
            is None
        )
    assert len(checks) == settings.LOGIN_THROTTLE_FAILURES
    assert throttle.lockout_remaining(editor_user.username, "10.0.0.6") > 0


def test_django_admins_password_change_is_ours(client_for, checks):
    admin = client_for("admin")
    for n in range(10):
        response = admin.post("/admin/password_change/", {"old_password": f"guess-{n}"})
        assert (response.status_code, response["Location"]) == (302, PASSWORD_CHANGE)
    assert checks == []


@pytest.mark.usefixtures("throttle_cache")
def test_a_lock_survives_a_spray_of_failures_from_other_addresses():
    """The cache evicts live keys past its size limit: a spray must not lift a lock."""

    def wrong() -> None:
        return None

    for n in range(settings.LOGIN_THROTTLE_ADDRESS_FAILURES):
        throttle.throttled_check(f"user-{n}", "10.0.0.1", wrong, purpose="sign-in")
    for n in range(400):  # two new cache keys each
        throttle.throttled_check(f"spray-{n}", f"10.1.{n // 200}.{n % 200}", wrong, purpose="x")
    assert throttle.lockout_remaining("anyone", "10.0.0.1") > 0
