"""LOCAL_PASSWORD_LOGIN=false: no password form, no password sign-in anywhere, password
sessions ended; single sign-on still works. And the settings that go with it."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client

from tests.fixtures.oidc_provider import PROVIDER_NAME
from tests.fixtures.users import TEST_PASSWORD
from tests.infra.test_production_settings import run_django, start_django

pytestmark = pytest.mark.django_db
PASSWORD_BACKEND = "accounts.throttle.ThrottledModelBackend"


@pytest.fixture
def sso_only(oidc_provider, settings):
    settings.LOCAL_PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = ["accounts.oidc.backend.OidcBackend"]
    return oidc_provider


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password=TEST_PASSWORD)


def test_the_login_page_offers_only_the_provider(oidc_provider, client, settings):
    settings.DJANGO_ENV, settings.POWENS_SANDBOX = "development", True  # demo accounts' place
    assert "Sandbox demo accounts" in client.get("/accounts/login/").content.decode()
    settings.LOCAL_PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = ["accounts.oidc.backend.OidcBackend"]
    page = client.get("/accounts/login/").content.decode()
    assert f"Sign in with {PROVIDER_NAME}" in page
    assert 'name="password"' not in page
    assert "Sandbox demo accounts" not in page


def test_a_posted_password_is_refused(sso_only, client, superuser):
    response = client.post("/accounts/login/", {"username": "root", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "Password sign-in is turned off here" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_django_admin_s_form_refuses_it_too(sso_only, client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert SESSION_KEY not in client.session


def test_password_sessions_end(oidc_provider, settings, superuser):
    client = Client()
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    assert client.get("/connectors/").status_code == 200
    settings.LOCAL_PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = ["accounts.oidc.backend.OidcBackend"]
    response = client.get("/connectors/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_single_sign_on_still_works(sso_only, client):
    sso_only.user_set("u-8008", preferred_username="ops", groups=["powens-viewers"])
    location = client.get("/accounts/oidc/start/")["Location"]
    callback = urlsplit(sso_only.authorize(location, "u-8008"))
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302
    assert client.get("/connectors/").status_code == 200


TEST_ENV = {"DJANGO_ENV": "test", "SECRET_KEY": "", "ALLOWED_HOSTS": "", "POWENS_DOMAIN": ""}
SSO = {"OIDC_ISSUER": "https://idp.acme.example", "OIDC_CLIENT_ID": "powens-admin"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({**TEST_ENV, "LOCAL_PASSWORD_LOGIN": "false"}, "LOCAL_PASSWORD_LOGIN=false needs"),
        ({**TEST_ENV, "OIDC_ISSUER": "https://idp.acme.example"}, "set OIDC_CLIENT_ID too"),
        (
            {**TEST_ENV, **SSO, "OIDC_ROLE_MAP": "powens-admins:superuser"},
            "OIDC_ROLE_MAP: 'powens-admins:superuser': the role must be one of",
        ),
        ({**SSO, "OIDC_ISSUER": "http://idp.acme.example"}, "must be an https:// URL"),
    ],
)
def test_start_up_refuses(overrides, message):
    result = start_django(overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_single_sign_on_only():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'powens_admin.settings'; "
        "django.setup(); from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS)"
    )
    overrides = {**SSO, "LOCAL_PASSWORD_LOGIN": "false", "OIDC_ROLE_MAP": "ops:admin"}
    result = run_django(overrides, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['accounts.oidc.backend.OidcBackend']"
