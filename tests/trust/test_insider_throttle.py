"""Password guessing gains nothing from concurrency: the failure count is taken before the
password is checked, atomically, so 30 simultaneous guesses get at most the limit's checks."""

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import aauthenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client, RequestFactory

from accounts import throttle
from tests.fixtures.users import TEST_PASSWORD
from tests.trust import concurrency, insider_race

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Any]:
    tmp_dir = tmp_path_factory.mktemp("insider-race")
    return concurrency.scenario_report(
        "tests.trust.insider_race", insider_race.run_all, django_db_blocker, tmp_dir
    )


def test_concurrent_sign_in_guesses_get_at_most_the_limit_of_password_checks(race):
    guesses = race["sign_in"]
    assert guesses["guesses"] == 30
    assert 1 <= guesses["password_checks"] <= settings.LOGIN_THROTTLE_FAILURES
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
