"""Single sign-on in Chromium: "Sign in with …" on our login page, the provider's own page
(oidc-provider-mock on loopback), and back on the dashboard with the role from the claim."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, expect

from tests.fixtures.browser import save_screenshot
from tests.fixtures.oidc_provider import PROVIDER_NAME

pytestmark = pytest.mark.browser
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture
def sso_page(browser_page, oidc_provider):
    """The page, with every request off the machine refused: the provider's page links a
    stylesheet from a CDN, and tests never reach the network."""

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            route.abort()

    browser_page.context.route("**/*", loopback_only)
    return browser_page


def sign_in_at_the_provider(page, provider, subject: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(f"{provider.url}/oauth2/authorize?")))
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_label("Subject").fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_sign_in_with_the_provider_lands_on_the_dashboard_with_the_mapped_role(
    sso_page, oidc_provider, small_catalogue
):
    oidc_provider.user_set(
        "u-9009",
        preferred_username="margaret",
        email="margaret@acme.example",
        groups=["powens-editors"],
    )
    page = sso_page
    page.goto("/connectors/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/connectors/$"))
    save_screenshot(page, "accounts-login-with-sso")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()

    sign_in_at_the_provider(page, oidc_provider, "u-9009")

    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/connectors/$"))
    expect(page.locator(".whoami")).to_contain_text("margaret")
    expect(page.locator(".role-badge")).to_have_text("editor")
    expect(page.locator("#results-table tbody tr").first).to_be_visible()
    # An account from the provider has no password here to change.
    expect(page.get_by_role("link", name="Change password")).to_have_count(0)
    [exchange] = oidc_provider.pkce.token_requests
    assert exchange.pkce == "verified"
    save_screenshot(page, "accounts-signed-in-with-sso")


def test_a_user_the_map_gives_no_role_sees_the_no_role_page(sso_page, oidc_provider):
    oidc_provider.user_set("u-9010", preferred_username="visitor", groups=["marketing"])
    page = sso_page
    page.goto("/accounts/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()

    sign_in_at_the_provider(page, oidc_provider, "u-9010")

    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Your account has no role yet")
    expect(page.locator(".role-badge")).to_have_text("no role")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
