"""Back and Forward across documents, the browser's own history rather than htmx's (issue 10).

The list answers one URL with a full page or, to htmx, a fragment. A cross-document Back loads
the history entry again: from the back/forward cache when the browser kept the document, else
through the HTTP cache. Both are tried here, each in its own chromium:

- ``bfcache``: Playwright's ``--disable-back-forward-cache`` switch removed, as in a browser;
- ``http-cache``: Playwright's default, as when the browser did not keep the page (evicted,
  ineligible): Back then served the fragment htmx had fetched for that URL, a bare page.

htmx's own history restore (Back within one document) is covered in tests/catalogue.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, save_screenshot

pytestmark = pytest.mark.browser
# The default switches each run drops.
CACHES = {"bfcache": ["--disable-back-forward-cache"], "http-cache": []}


@pytest.fixture(scope="module", params=list(CACHES))
def browser(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Overrides the session's chromium for this module: one per way of going Back. Launched
    through the session's Playwright, as a second one cannot start in the same process."""
    if not CACHES[request.param]:
        yield browser
        return
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        ignore_default_args=CACHES[request.param],
    )
    yield chromium
    chromium.close()


def go_back(page: Page) -> None:
    # "commit": a page restored from the back/forward cache fires no new load event.
    page.go_back(wait_until="commit")


def expect_full_page(page: Page, name: str) -> None:
    """The layout, the stylesheet applied and the search box: not a bare fragment."""
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page.locator("body")).to_have_css("margin", "0px")  # app.css; a browser's is 8px
    expect(page.locator("[data-search-input]")).to_be_visible()
    save_screenshot(page, name)


def rows(page: Page):
    return page.locator("#results-table tbody tr")


def test_back_and_forward_after_next_page_and_a_connector(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/?country=fr")
    page.locator("nav.pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"\?country=fr&page=2$"))
    second_page = rows(page).locator("td:first-child a").all_inner_texts()
    rows(page).locator("td:first-child a").first.click()
    expect(page).to_have_url(re.compile(r"/connectors/[0-9a-f-]{36}/$"))
    go_back(page)
    expect(page).to_have_url(re.compile(r"\?country=fr&page=2$"))
    expect_full_page(page, "back-to-list-page-2")
    expect(rows(page).locator("td:first-child a")).to_have_text(second_page)
    go_back(page)
    expect(page).to_have_url(re.compile(r"\?country=fr$"))
    expect_full_page(page, "back-to-list-page-1")
    page.go_forward(wait_until="commit")
    expect(page).to_have_url(re.compile(r"\?country=fr&page=2$"))
    expect_full_page(page, "forward-to-list-page-2")
    expect(rows(page).locator("td:first-child a")).to_have_text(second_page)


def type_an_exact_id_and_press_enter(page: Page, connector: dict) -> None:
    page.goto("/connectors/")
    page.locator("[data-search-input]").fill(str(connector["id"]))
    expect(page.locator(".exact-match")).to_contain_text(connector["name"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/connectors/{connector['uuid']}/$"))


def test_back_after_an_exact_id_and_enter_is_a_full_page(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    type_an_exact_id_and_press_enter(page, catalogue[5])
    go_back(page)
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page.locator("body")).to_have_css("margin", "0px")
    save_screenshot(page, "back-after-exact-id")


def test_back_after_an_exact_id_and_enter_shows_the_list(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    type_an_exact_id_and_press_enter(page, catalogue[5])
    go_back(page)
    expect(page).to_have_url(re.compile(r"/connectors/(\?.*)?$"), timeout=2000)
    expect_full_page(page, "back-after-exact-id-list")
