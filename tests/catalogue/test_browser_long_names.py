"""A 5,000-character name with no space, in a real browser: the list still fits the window
with every row's state and controls on screen, and no page grows wider than the window
(issue 10, item 6). Before the fix the list's table was ~9,700 px wide and the detail page
~53,600 px."""

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.catalogue import connector_dict

pytestmark = pytest.mark.browser
LONG = "A" * 5000


def hostile_catalogue() -> list[dict]:
    """One connector whose every upstream text is long and unbroken, and five ordinary ones."""
    long = connector_dict(
        LONG,
        slug="s" * 300,
        code="c" * 300,
        products=["p" * 300],
        urls=["https://example.com/" + "x" * 400],
        sources=[{"id": 1, "name": "n" * 300, "priority": 1, "disabled": None}],
        fields=[{"name": "f" * 300, "label": "l" * 300, "type": "text", "regex": "r" * 300}],
        **{"k" * 300: "v" * 300},  # an unknown property: "Other properties"
    )
    return [long, *(connector_dict(f"Bank {i:02d}") for i in range(5))]


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_list_fits_the_window_with_state_and_controls_visible(logged_in_page, load_connectors):
    load_connectors(hostile_catalogue())
    page = logged_in_page("editor")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/connectors/")
    results = page.locator("#results-table")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table scrolls sideways"
    table = page.locator(".connector-table").bounding_box()
    assert table and table["x"] + table["width"] <= 1440
    assert page_width(page) <= 1440
    for row in page.locator(".connector-table tbody tr").all():
        state = row.locator("[id^=row-state-]").bounding_box()
        assert state and state["x"] + state["width"] <= 1440
        expect(row.locator(".row-toggle summary")).to_be_in_viewport()
    name = page.locator(".connector-table tbody tr").first.locator("td > a[href]")
    stored = LONG[:499] + "…"
    expect(name).to_have_attribute("title", stored)
    box = name.bounding_box()
    assert box and box["height"] < 60  # two lines, then "…"


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_the_detail_page_is_no_wider_than_the_window(
    logged_in_page, load_connectors, width, height
):
    load_connectors(hostile_catalogue())
    page = logged_in_page("editor")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/connectors/{hostile_catalogue()[0]['uuid']}/")
    expect(page.locator("h1")).to_contain_text("AAA…")
    assert page_width(page) <= width
    for panel in ("#properties", "#coverage", "#raw"):
        assert page.locator(panel).evaluate("e => e.scrollWidth <= e.clientWidth"), panel
    if width == 1440:  # wide enough for every table to wrap rather than scroll in its panel
        for panel in ("#sources", "#fields", "#connector-actions-panel"):
            assert page.locator(panel).evaluate("e => e.scrollWidth <= e.clientWidth"), panel


def test_the_batch_preview_is_no_wider_than_the_window(logged_in_page, load_connectors):
    load_connectors(hostile_catalogue())
    page = logged_in_page("editor")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/connectors/")
    page.locator("input[name=uuids]").first.check()
    page.locator("#batch-form").get_by_label("Disable").check()
    page.get_by_role("button", name="Preview changes…").click()
    expect(page.locator("h1")).to_contain_text("Preview: disable 1 connector")
    assert page_width(page) <= 1440
    expect(page.locator(".batch-items a")).to_have_attribute("title", LONG[:499] + "…")
