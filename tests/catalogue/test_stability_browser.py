"""Stability and state in a real browser: dimmed rows, the stability filter through htmx."""

import pytest
from playwright.sync_api import expect

from tests.catalogue.test_stability import ALL

pytestmark = pytest.mark.browser


def _cell_background(page, name: str) -> str:
    row = page.locator("#results-table tbody tr", has_text=name)
    return row.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")


def test_rows_disabled_on_this_domain_are_dimmed_and_the_filter_narrows(
    logged_in_page, load_connectors
):
    load_connectors(ALL)
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    assert _cell_background(page, "Foxtrot Hidden") != _cell_background(page, "Alpha Stable")
    page.select_option("#filter-facets select[name=stability]", "down")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    expect(page.locator("#results-table tbody tr")).to_contain_text("Bravo Down")
    expect(page.locator("#results-table tbody tr")).to_contain_text("for 3 days")
    assert page.url.endswith("/connectors/?stability=down")
