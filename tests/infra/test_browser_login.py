"""The real login form in Chromium: sign in, land on the page asked for, see who you are."""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import save_screenshot
from tests.fixtures.users import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_through_the_form_shows_user_and_role(browser_page, editor_user):
    page = browser_page
    page.goto("/accounts/password_change/")  # protected: bounces to the login form
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/password_change/$"))
    page.get_by_label("Username").fill(editor_user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/accounts/password_change/$"))
    expect(page.locator(".whoami")).to_contain_text(editor_user.username)
    expect(page.locator(".role-badge")).to_have_text("editor")
    expect(page.locator(".domain-badge")).to_contain_text("Sandbox")
    save_screenshot(page, "infra-signed-in-header")


def test_wrong_password_keeps_you_on_the_form(browser_page, editor_user):
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(editor_user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    expect(page.locator(".whoami")).to_have_count(0)
