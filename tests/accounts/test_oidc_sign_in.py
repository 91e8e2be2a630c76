"""Sign-in through a real OpenID Connect provider on loopback (tests/fixtures/oidc_provider.py).

Each test drives the whole flow over HTTP: our start URL → the provider's authorization
endpoint (PKCE S256, state, nonce) → the user's choice there → our callback, which exchanges
the code at the provider's token endpoint, checks the RS256 ID token against its JWKS and
reads userinfo. Assertions are on what ends up in the database and the session.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import OidcIdentity
from accounts.roles import Role, role_of
from tests.fixtures.oidc_provider import CLIENT_ID, CLIENT_SECRET, PROVIDER_NAME
from tests.fixtures.users import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def start(client: Client, next_url: str = "") -> str:
    """Our start URL; returns the provider authorization URL it sends the browser to."""
    response = client.get("/accounts/oidc/start/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def finish(client: Client, callback_url: str):
    """Follow the provider's redirect back to our callback (the test client's host)."""
    parts = urlsplit(callback_url)
    assert parts.path == "/accounts/oidc/callback/"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: Client, provider, sub: str, next_url: str = ""):
    return finish(client, provider.authorize(start(client, next_url), sub))


def signed_in_user(client: Client):
    user_id = client.session.get(SESSION_KEY)
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_the_start_url_asks_for_a_code_with_pkce_state_and_nonce(oidc_provider, client):
    location = start(client)
    assert location.startswith(f"{oidc_provider.url}/oauth2/authorize?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/accounts/oidc/callback/"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256 digest, unpadded
    assert query["state"] and query["nonce"]
    assert query["scope"].split() == ["openid", "email", "profile"]


def test_first_sign_in_creates_the_account_with_the_mapped_role(oidc_provider, client):
    oidc_provider.user_set(
        "u-1001",
        email="ada@acme.example",
        preferred_username="ada",
        given_name="Ada",
        family_name="Lovelace",
        groups=["powens-editors", "unrelated-group"],
    )
    response = sign_in(client, oidc_provider, "u-1001", next_url="/connectors/")

    assert response.status_code == 302
    assert response["Location"] == "/connectors/"
    user = signed_in_user(client)
    assert user is not None
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "ada",
        "ada@acme.example",
        "Ada",
        "Lovelace",
    )
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    identity = OidcIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc_provider.url, "u-1001")
    # The provider saw a verified PKCE exchange, authenticated with our secret (HTTP Basic:
    # its discovery document names no method, and that is the specification's default).
    [token_request] = oidc_provider.pkce.token_requests
    assert token_request.pkce == "verified"
    assert (token_request.client_id, token_request.auth) == (CLIENT_ID, "basic")
    assert token_request.secret == CLIENT_SECRET
    assert client.get("/connectors/").status_code == 200


def test_roles_follow_the_claim_at_every_sign_in(oidc_provider, client, make_user):
    oidc_provider.user_set("u-2002", preferred_username="grace", groups=["powens-viewers"])
    sign_in(client, oidc_provider, "u-2002")
    user = signed_in_user(client)
    assert role_of(user) == Role.VIEWER
    # An admin also put the account in a group we do not manage: that one stays.
    user.groups.add(Group.objects.create(name="newsletter"))

    oidc_provider.user_set(
        "u-2002", preferred_username="grace-h", email="grace@acme.example", groups=["powens-admins"]
    )
    sign_in(Client(), oidc_provider, "u-2002")
    user.refresh_from_db()
    assert sorted(user.groups.values_list("name", flat=True)) == ["admin", "newsletter"]
    assert user.is_staff  # the admin role opens Django admin (accounts.signals)
    # The e-mail address follows the provider; the username, once chosen, stays.
    assert (user.username, user.email) == ("grace", "grace@acme.example")

    oidc_provider.user_set("u-2002", preferred_username="grace", groups=[])
    sign_in(Client(), oidc_provider, "u-2002")
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["newsletter"]
    assert not user.is_staff
    assert get_user_model().objects.filter(username__startswith="grace").count() == 1


def test_an_unmapped_user_gets_an_account_with_no_role(oidc_provider, client):
    oidc_provider.user_set("u-3003", email="newhire@acme.example", groups=["marketing"])
    response = sign_in(client, oidc_provider, "u-3003")
    assert response.status_code == 302
    user = signed_in_user(client)
    assert user.username == "newhire@acme.example"
    assert not user.groups.exists()
    page = client.get("/connectors/")
    assert page.status_code == 403
    assert "no role yet" in page.content.decode()


def test_a_local_account_with_the_same_email_or_name_is_not_taken_over(oidc_provider, client):
    local = get_user_model().objects.create_user(
        "ada", email="ada@acme.example", password=TEST_PASSWORD, is_superuser=True
    )
    oidc_provider.user_set(
        "u-4004", email="ada@acme.example", preferred_username="ada", groups=["powens-viewers"]
    )
    sign_in(client, oidc_provider, "u-4004")
    user = signed_in_user(client)
    assert user.pk != local.pk
    assert user.username.startswith("ada-") and not user.is_superuser
    assert role_of(user) == Role.VIEWER


def test_a_deactivated_account_cannot_sign_in_again(oidc_provider, client):
    oidc_provider.user_set("u-5005", preferred_username="leaver", groups=["powens-editors"])
    sign_in(client, oidc_provider, "u-5005")
    get_user_model().objects.filter(username="leaver").update(is_active=False)

    other = Client()
    response = sign_in(other, oidc_provider, "u-5005")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(other) is None
    # The session opened before the deactivation ends too.
    assert client.get("/connectors/").status_code == 302


def test_declining_at_the_provider_comes_back_to_the_login_page(oidc_provider, client):
    response = finish(client, oidc_provider.deny(start(client)))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    page = client.get("/accounts/login/")
    assert f"Signing in with {PROVIDER_NAME} did not work" in page.content.decode()


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(oidc_provider, client):
    oidc_provider.user_set("u-6006", groups=["powens-admins"])
    callback = oidc_provider.authorize(start(client), "u-6006")
    session = client.session
    [state] = session["oidc_states"]
    session["oidc_states"][state]["code_verifier"] = "x" * 64  # not the one hashed
    session.save()

    response = finish(client, callback)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert [r.pkce for r in oidc_provider.pkce.token_requests] == ["mismatch"]
    assert not OidcIdentity.objects.exists()


def test_a_callback_from_another_browser_is_refused(oidc_provider, client):
    """The state is bound to the session that started: a code replayed elsewhere is useless."""
    oidc_provider.user_set("u-7007", groups=["powens-admins"])
    callback = oidc_provider.authorize(start(client), "u-7007")
    attacker = Client()
    attacker.get("/accounts/login/")
    start(attacker)  # has a state of its own, not the victim's
    response = finish(attacker, callback)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(attacker) is None
    assert oidc_provider.pkce.token_requests == []  # refused before any exchange


def test_an_unreachable_provider_sends_back_with_a_message(oidc_provider, client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    response = client.get("/accounts/oidc/start/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/")
    assert f"Signing in with {PROVIDER_NAME} did not work" in page.content.decode()


def test_password_sign_in_still_works_beside_it(oidc_provider, client, editor_user):
    response = client.post(
        "/accounts/login/", {"username": editor_user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user(client) == editor_user


def test_the_login_page_offers_the_provider(oidc_provider, client):
    page = client.get("/accounts/login/?next=/audit/").content.decode()
    assert f"Sign in with {PROVIDER_NAME}</a>" in page
    assert 'href="/accounts/oidc/start/?next=/audit/"' in page
    assert 'name="password"' in page  # the local form stays while LOCAL_PASSWORD_LOGIN is on


@pytest.mark.parametrize("url", ["/accounts/oidc/start/", "/accounts/oidc/callback/"])
def test_without_an_issuer_the_urls_do_not_exist(client, url):
    assert client.get(url).status_code == 404
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()


def test_next_cannot_send_off_site(oidc_provider, client):
    oidc_provider.user_set("u-8118", groups=["powens-viewers"])
    response = sign_in(client, oidc_provider, "u-8118", next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"
