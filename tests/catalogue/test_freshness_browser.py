"""The refreshing banner in a real browser: it polls while the refresh runs, then says how it
ended and stops polling."""

import pytest
from playwright.sync_api import expect

from connectors_ui.models import CatalogueSync
from sandbox import backend
from tests.catalogue.conftest import finish_refresh
from tests.catalogue.test_refreshing_banner import BNP, age_copy
from tests.fixtures.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_the_banner_updates_itself_when_the_refresh_is_done(
    logged_in_page, small_catalogue, queued_refresh
):
    age_copy(25)
    page = logged_in_page("editor")
    polls = []
    page.on("request", lambda r: polls.append(r) if "/connectors/freshness/" in r.url else None)
    page.goto("/audit/")
    banner = page.locator("#catalogue-freshness .banner")
    expect(banner).to_have_text(
        "Refreshing the catalogue from Powens… The copy shown was refreshed 25\xa0minutes ago."
    )
    expect(page.locator("#catalogue-freshness button")).to_be_disabled()
    save_screenshot(page, "freshness-refreshing")
    page.wait_for_timeout(3500)
    assert polls, "the banner never polled"
    backend.set_connector_hidden(BNP, True)
    finish_refresh(queued_refresh)
    expect(page.locator("#catalogue-freshness .banner-info")).to_contain_text(
        "Catalogue refreshed just now: 7 connectors, 0 added, 0 removed, 1 changed, 0 restored.",
        timeout=8000,
    )
    expect(page.locator("#catalogue-freshness button")).to_be_enabled()
    save_screenshot(page, "freshness-refreshed")
    seen = len(polls)
    page.wait_for_timeout(4000)
    assert len(polls) == seen, "the banner kept polling after the refresh"
    page.get_by_role("link", name="Reload the page").click()
    expect(page).to_have_url(page.url)
    expect(page.locator("#catalogue-freshness .banner")).to_have_count(0)
    assert CatalogueSync.objects.filter(trigger="auto", status="success").count() == 1


def test_a_failed_refresh_shows_why_without_polling(
    logged_in_page, small_catalogue, settings, faults
):
    settings.CATALOGUE_AUTO_REFRESH = "worker"
    age_copy(25)
    faults.inject("status", endpoint="E1", status=503, count=10)
    page = logged_in_page("editor")
    page.goto("/audit/")
    expect(page.locator("#catalogue-freshness .banner-error")).to_contain_text(
        "Next automatic try after"
    )
    assert page.locator("#catalogue-freshness[hx-trigger]").count() == 0
    save_screenshot(page, "freshness-failed")
