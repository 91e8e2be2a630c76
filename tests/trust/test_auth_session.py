"""Sign-in throttling, session expiry after inactivity, and the role-less account."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from accounts import throttle
from tests.fixtures.users import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("throttle_cache")
LOGIN = "/accounts/login/"


def sign_in(
    client: Client,
    username: str,
    password: str,
    *,
    url: str = LOGIN,
    ip: str = "",
    forwarded: str = "",
):
    extra = {"REMOTE_ADDR": ip} if ip else {}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client: Client, username: str, times: int, **options: str) -> list[int]:
    return [sign_in(client, username, "wrong-guess", **options).status_code for _ in range(times)]


def test_failures_up_to_the_limit_lock_the_account_with_a_clear_message(editor_user):
    client = Client()
    limit = settings.LOGIN_THROTTLE_FAILURES
    assert fail(client, editor_user.username, limit - 1) == [200] * (limit - 1)
    locking = sign_in(client, editor_user.username, "wrong-guess")
    assert locking.status_code == 429
    minutes = settings.LOGIN_THROTTLE_LOCKOUT // 60
    assert "Too many failed sign-ins" in locking.content.decode()
    assert f"Try again in {minutes} minutes" in locking.content.decode()


def test_while_locked_even_the_right_password_opens_no_session(editor_user):
    client = Client()
    fail(client, editor_user.username, settings.LOGIN_THROTTLE_FAILURES)
    response = sign_in(client, editor_user.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/connectors/").status_code == 302


def test_lock_is_per_username_and_address(editor_user, viewer_user):
    client = Client()
    fail(client, editor_user.username, settings.LOGIN_THROTTLE_FAILURES, ip="10.0.0.1")
    # Same user from another desk, and another user from the same address, still get in.
    assert sign_in(Client(), editor_user.username, TEST_PASSWORD, ip="10.0.0.2").status_code == 302
    assert sign_in(Client(), viewer_user.username, TEST_PASSWORD, ip="10.0.0.1").status_code == 302
    # Usernames differing only in case share the lock (the backend lower-cases nothing else).
    assert sign_in(Client(), editor_user.username.upper(), "x", ip="10.0.0.1").status_code == 429


def test_lock_expires_after_the_lockout(editor_user, monkeypatch):
    fail(Client(), editor_user.username, settings.LOGIN_THROTTLE_FAILURES)
    later = throttle.time.time() + settings.LOGIN_THROTTLE_LOCKOUT + 1
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    assert sign_in(Client(), editor_user.username, TEST_PASSWORD).status_code == 302


def test_success_resets_the_count(editor_user):
    limit = settings.LOGIN_THROTTLE_FAILURES
    fail(Client(), editor_user.username, limit - 1)
    assert sign_in(Client(), editor_user.username, TEST_PASSWORD).status_code == 302
    assert fail(Client(), editor_user.username, limit - 1) == [200] * (limit - 1)


def test_failures_outside_the_window_do_not_add_up(editor_user, monkeypatch):
    now = throttle.time.time()
    for step in range(settings.LOGIN_THROTTLE_FAILURES + 2):
        at = now + step * (settings.LOGIN_THROTTLE_WINDOW + 1)
        monkeypatch.setattr(throttle.time, "time", lambda at=at: at)
        assert sign_in(Client(), editor_user.username, "wrong-guess").status_code == 200


def test_django_admin_login_counts_and_obeys_the_same_lock(admin_user):
    fail(Client(), admin_user.username, settings.LOGIN_THROTTLE_FAILURES, url="/admin/login/")
    assert sign_in(Client(), admin_user.username, TEST_PASSWORD).status_code == 429
    admin_login = sign_in(Client(), admin_user.username, TEST_PASSWORD, url="/admin/login/")
    assert admin_login.status_code == 200  # the admin form re-rendered, no session
    assert "_auth_user_id" not in admin_login.wsgi_request.session


def test_counts_are_shared_through_the_database_cache(editor_user):
    assert settings.CACHES["throttle"]["BACKEND"].endswith("DatabaseCache")
    fail(Client(), editor_user.username, 1)
    cache = caches["throttle"]
    assert cache.get(throttle._key("fail", editor_user.username, "127.0.0.1")) is not None


def test_lockout_is_logged_without_the_password(editor_user, caplog):
    caplog.set_level(logging.WARNING, logger="connectors_ui.security")
    fail(Client(), editor_user.username, settings.LOGIN_THROTTLE_FAILURES)
    assert any("sign-in locked" in r.getMessage() for r in caplog.records)
    assert "wrong-guess" not in caplog.text


def test_an_address_trying_many_usernames_is_locked_out(editor_user, viewer_user):
    """A few guesses on each of many accounts stay under the per-username limit."""
    per_address = settings.LOGIN_THROTTLE_ADDRESS_FAILURES
    per_pair = settings.LOGIN_THROTTLE_FAILURES - 1
    usernames = [f"guess-{n}" for n in range(per_address // per_pair + 1)]
    statuses = [s for name in usernames for s in fail(Client(), name, per_pair, ip="10.0.0.9")]
    assert statuses[: per_address - 1] == [200] * (per_address - 1)
    assert statuses[per_address - 1] == 429
    # Locked for every account from that address, the right password included…
    assert sign_in(Client(), editor_user.username, TEST_PASSWORD, ip="10.0.0.9").status_code == 429
    # …and for nobody elsewhere.
    assert sign_in(Client(), viewer_user.username, TEST_PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_success_does_not_reset_the_address_count(editor_user):
    """Or an attacker holding one account would reset the count between guesses."""
    limit = settings.LOGIN_THROTTLE_ADDRESS_FAILURES
    for n in range(limit - 1):
        fail(Client(), f"guess-{n}", 1, ip="10.0.0.7")
    assert sign_in(Client(), editor_user.username, TEST_PASSWORD, ip="10.0.0.7").status_code == 302
    assert fail(Client(), "guess-last", 1, ip="10.0.0.7") == [429]


def address_of(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return throttle.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert address_of("10.1.1.1", "203.0.113.5") == "10.1.1.1"
    assert address_of("not-an-ip") == "unknown"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        # Entries left of what our proxies appended are the client's own, forgeable.
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6,203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        # Fewer entries than proxies: not through them all, so the connection's address.
        (2, "203.0.113.5", "10.1.1.1"),
        (1, "", "10.1.1.1"),
        (1, "203.0.113.5, garbage", "unknown"),
    ],
)
def test_behind_trusted_proxies_the_outermost_proxy_says_who_the_client_is(
    proxies, forwarded, address
):
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert address_of("10.1.1.1", forwarded) == address


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_has_its_own_lock(editor_user):
    """Every request comes from the proxy's address; the lock follows the real client, and
    a forged leftmost entry does not escape it."""
    limit = settings.LOGIN_THROTTLE_FAILURES
    proxy = {"ip": "10.0.0.1"}
    for n in range(limit):
        sign_in(Client(), editor_user.username, "x", forwarded=f"1.1.1.{n}, 203.0.113.5", **proxy)
    locked = sign_in(
        Client(), editor_user.username, TEST_PASSWORD, forwarded="203.0.113.5", **proxy
    )
    assert locked.status_code == 429
    colleague = sign_in(
        Client(), editor_user.username, TEST_PASSWORD, forwarded="198.51.100.7", **proxy
    )
    assert colleague.status_code == 302


def test_an_inactive_session_is_sent_to_login(viewer_client):
    assert viewer_client.get("/connectors/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = viewer_client.get("/connectors/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/connectors/"


def test_each_request_extends_the_session_by_the_inactivity_limit(viewer_client):
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))
    viewer_client.get("/connectors/")
    expiry = Session.objects.get().expire_date
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expiry - expected).total_seconds()) < 60


def test_logout_ends_the_session_and_pages_send_to_login_again(viewer_client):
    assert viewer_client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.exists()
    assert viewer_client.get("/connectors/")["Location"].startswith(LOGIN)


def test_roleless_account_sees_no_dashboard_page_but_manages_its_password(client_for):
    client = client_for("norole")
    page = client.get("/connectors/")
    assert page.status_code == 403
    assert "no role yet" in page.content.decode()
    assert client.get("/accounts/password_change/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.parametrize(
    "path",
    ["/accounts/password_reset/", "/accounts/reset/MQ/set-password/", "/accounts/reset/done/"],
)
def test_no_public_password_reset(anon_client, path):
    """Password reset would be public and send mail: accounts are managed by admins."""
    assert anon_client.get(path).status_code in (302, 404)
    assert not anon_client.get(path).content.decode().count("Password reset")
