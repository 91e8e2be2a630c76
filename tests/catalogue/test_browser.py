"""The connector list in a real browser: search as you type, filters that survive a reload,
and the back button restoring an earlier state."""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import (
    hold_requests,
    pick_filter,
    release_late,
    save_screenshot,
    wait_until_held,
)

pytestmark = pytest.mark.browser


def rows(page):
    return page.locator("#results-table tbody tr")


def mark_document(page):
    """A flag on window that a full page load would wipe out."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_search_narrows_the_list_without_reload(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    total = int(re.sub(r"\D", "", page.locator(".result-count strong").inner_text()))
    assert total > 300
    mark_document(page)
    page.keyboard.press("/")
    expect(page.locator("[data-search-input]")).to_be_focused()
    page.keyboard.type("societe generale")
    expect(page.locator(".result-count")).to_contain_text("matching “societe generale”")
    expect(rows(page).first).to_contain_text("Société Générale")
    assert rows(page).count() < 10
    assert same_document(page)
    assert re.search(r"q=societe(\+|%20)generale$", page.url)  # empty fields left out
    save_screenshot(page, "catalogue-search")


def test_two_filters_survive_a_reload(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    mark_document(page)
    pick_filter(page, "country", "de")
    expect(page).to_have_url(re.compile(r"country=de"))
    pick_filter(page, "product", "bank")
    expect(page).to_have_url(re.compile(r"country=de.*product=bank|product=bank.*country=de"))
    assert same_document(page)
    summary = page.locator(".result-count").inner_text()
    names = rows(page).locator("td:first-child a").all_inner_texts()
    page.reload()
    expect(page.locator("select[name=country]")).to_have_value("de")
    expect(page.locator("select[name=product]")).to_have_value("bank")
    assert page.locator(".result-count").inner_text() == summary
    assert rows(page).locator("td:first-child a").all_inner_texts() == names
    assert not same_document(page)


def browse_search_then_filter_then_sort(page) -> list[str]:
    """Three history entries: ?q=credit, + country=fr, + sort=id. Returns the first's names."""
    page.goto("/connectors/?q=credit")
    first_names = rows(page).locator("td:first-child a").all_inner_texts()
    pick_filter(page, "country", "fr")
    expect(page).to_have_url(re.compile(r"country=fr"))
    page.locator("th a", has_text="ID").click()
    expect(page).to_have_url(re.compile(r"sort=id"))
    return first_names


def test_back_button_restores_the_previous_state(logged_in_page, catalogue):
    page = logged_in_page("viewer")
    first_names = browse_search_then_filter_then_sort(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"country=fr"))
    expect(page).not_to_have_url(re.compile(r"sort=id"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/connectors/\?q=credit$"))
    expect(page.locator("select[name=country]")).to_have_value("")
    expect(page.locator("[data-search-input]")).to_have_value("credit")
    # expect() waits: on back, htmx fetches the page again (historyCacheSize 0).
    expect(rows(page).locator("td:first-child a")).to_have_text(first_names)


def test_a_late_history_answer_never_overwrites_a_newer_one(logged_in_page, catalogue):
    """Back twice quickly: the answer for the first Back arrives after the second's. The page
    must show the state of the URL it ends on (CI once saw country=fr under ?q=credit)."""
    page = logged_in_page("viewer")
    first_names = browse_search_then_filter_then_sort(page)
    held = hold_requests(
        page,
        re.compile(r"/connectors/\?"),
        lambda request: (
            bool(request.headers.get("hx-history-restore-request"))
            and "country=fr" in request.url
            and "sort=" not in request.url
        ),
    )
    page.go_back()
    expect(page).to_have_url(re.compile(r"country=fr"))
    wait_until_held(page, held, "the country=fr history entry")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/connectors/\?q=credit$"))
    expect(rows(page).locator("td:first-child a")).to_have_text(first_names)
    release_late(page, held[0])
    expect(page.locator("select[name=country]")).to_have_value("")
    expect(rows(page).locator("td:first-child a")).to_have_text(first_names)


def test_the_newest_choice_wins_when_answers_cross(logged_in_page, catalogue):
    """A filter's answer is still on its way when the user clicks Next: the page must end on
    the page they clicked, not on the filter's late answer."""
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    held = hold_requests(
        page, re.compile(r"/connectors/\?"), lambda request: "country=fr" in request.url
    )
    pick_filter(page, "country", "fr")
    wait_until_held(page, held, "the country filter")
    page.locator("a[rel=next]").first.click()
    expect(page).to_have_url(re.compile(r"page=2"))
    release_late(page, held[0])
    expect(page).to_have_url(re.compile(r"/connectors/\?page=2$"))
    expect(page.locator(".pagination span")).to_contain_text("Page 2 of")
    expect(page.locator("select[name=country]")).to_have_value("")
