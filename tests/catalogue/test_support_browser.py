"""Support speed in a real browser (issue 15): the Ctrl+K palette, the keyboard shortcuts, the
density of the list, the phone cards, chips and the URL through Back/Forward and reload, and
axe on each. Screenshots go to test-artifacts/ (and SHOTS_DIR when set)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.fixtures.browser import pick_filter, save_screenshot
from tests.fixtures.domains import SANDBOX, confirmed_disable

pytestmark = pytest.mark.browser
BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


def shot(page: Page, name: str) -> None:
    path = save_screenshot(page, name)
    if os.environ.get("SHOTS_DIR"):
        shutil.copy(path, Path(os.environ["SHOTS_DIR"]) / path.name)


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def rows(page: Page):
    return page.locator("table.connector-table tbody tr")


def test_palette_jumps_by_keyboard_and_keeps_recent_first(logged_in_page, small_catalogue):
    page = logged_in_page("viewer")
    page.goto("/audit/")  # every page has it
    page.keyboard.press("Control+k")
    box = page.locator("#palette-input")
    expect(box).to_be_focused()
    expect(page.get_by_role("dialog", name="Jump to")).to_be_visible()
    box.type("bnp")
    options = page.locator("#palette-list [role=option]")
    expect(options.first).to_contain_text("BNP Paribas")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-activedescendant", "palette-option-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert serious(page) == []
    shot(page, "palette-open")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/connectors/{BNP}/")
    # Next time, what was opened comes first, before anything is typed.
    page.keyboard.press("Control+k")
    first = page.locator("#palette-list [role=option]").first
    expect(first).to_contain_text("Recent")
    expect(first).to_contain_text("BNP Paribas")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Jump to")).to_be_hidden()


def test_palette_arrows_choose_a_page_and_ids_and_typos_work(logged_in_page, small_catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    page.keyboard.press("Control+k")
    page.keyboard.type("audit")
    expect(page.locator("#palette-list [role=option]")).to_have_count(1)
    page.keyboard.press("Enter")
    page.wait_for_url("**/audit/")
    page.keyboard.press("Control+k")
    page.keyboard.type(str(small_catalogue[0]["id"]))
    options = page.locator("#palette-list [role=option]")
    expect(options.first).to_contain_text("BNP Paribas")
    page.locator("#palette-input").fill("bnp parbas")
    expect(options.first).to_contain_text("Did you mean")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")


def test_shortcuts_move_open_and_select_rows_but_not_while_typing(logged_in_page, small_catalogue):
    page = logged_in_page("editor")
    page.goto("/connectors/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows(page).nth(1)).to_have_class(re.compile("is-current"))
    page.keyboard.press("k")
    expect(rows(page).nth(0)).to_have_class(re.compile("is-current"))
    page.keyboard.press("x")
    expect(rows(page).nth(0).locator("input[name=uuids]")).to_be_checked()
    expect(page.locator("[data-selected-count]")).to_contain_text("1 selected")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert serious(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # In the search box the letters are text, not shortcuts.
    page.locator("[data-search-input]").click()
    page.keyboard.type("jx?")
    expect(page.locator("[data-search-input]")).to_have_value("jx?")
    expect(dialog).to_be_hidden()
    page.locator("[data-search-input]").fill("")
    expect(rows(page)).not_to_have_count(0)
    page.locator("h1").click()
    page.keyboard.press("j")
    name = page.locator("tr.is-current td > a[href]").inner_text()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(name)


def test_a_lean_row_still_changes_in_place(logged_in_page, small_catalogue):
    page = logged_in_page("editor")
    page.goto("/connectors/?q=bnp")
    cell = page.locator(f"#row-state-{BNP}")
    cell.locator("summary").click()
    expect(cell.locator("input[name=reason]")).to_be_focused()
    expect(cell.locator("label")).to_have_text("Reason for disabling BNP Paribas")
    cell.locator("input[name=reason]").fill("Bank outage, ticket 12")
    cell.locator("button[type=submit]").click()
    expect(page.locator(f"#row-state-{BNP} .message")).to_contain_text("disabled on this domain")
    expect(page.locator(f"#row-state-{BNP} summary")).to_have_text("Enable…")


def test_twenty_rows_above_the_fold_on_a_desk(logged_in_page, catalogue):
    for role in ("viewer", "editor"):
        page = logged_in_page(role)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto("/connectors/")
        shown = page.evaluate(
            "() => [...document.querySelectorAll('table.connector-table tbody tr')]"
            ".filter(r => r.getBoundingClientRect().bottom <= innerHeight).length"
        )
        assert shown >= 20, (role, shown)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1440
        shot(page, f"list-{role}-1440")
    assert serious(page) == []


def test_phone_cards_show_state_and_action_without_sideways_scroll(logged_in_page, small_catalogue):
    page = logged_in_page("editor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/connectors/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for row in rows(page).all()[:4]:
        row.scroll_into_view_if_needed()
        for part in ("[data-state]", "summary"):
            box = row.locator(part).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, part
    shot(page, "cards-390")
    assert serious(page) == []
    page.goto(f"/connectors/{BNP}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious(page) == []


@pytest.mark.parametrize("width", [390, 1440])
def test_each_filter_menu_opens_on_the_screen(logged_in_page, small_catalogue, width):
    """A menu opened from a button that wrapped to the right of a phone, or from the bar's
    last button on a desk, used to run past the edge (and widen the page)."""
    page = logged_in_page("editor")
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/connectors/")
    buttons = page.locator("#filter-facets > details.facet > summary")
    assert buttons.count() >= 5
    for i in range(buttons.count()):
        buttons.nth(i).click()
        menu = page.locator("#filter-facets > details.facet[open] > :is(select, .facet-menu)")
        box = menu.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, i
        buttons.nth(i).click()


def test_audit_tables_do_not_widen_a_phone_page(logged_in_page, small_catalogue):
    """The log's table and a connector's history scroll inside their boxes: a header's
    hidden label, placed absolutely, sat outside the log's box, and the history had no box,
    so the whole page scrolled sideways."""
    bnp = next(c for c in small_catalogue if c["uuid"] == BNP)
    confirmed_disable(SANDBOX, bnp)
    page = logged_in_page("viewer")
    page.set_viewport_size({"width": 390, "height": 844})
    for url, rows in (
        ("/audit/", ".audit-table tbody tr"),
        (f"/connectors/{BNP}/", "#audit-history tbody tr"),
    ):
        page.goto(url)
        expect(page.locator(rows)).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url


def test_chips_and_the_url_survive_back_forward_and_reload(logged_in_page, small_catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    pick_filter(page, "country", "fr")
    expect(page).to_have_url(re.compile(r"\?country=fr$"))
    page.locator("[data-search-input]").fill("credit")
    expect(page).to_have_url(re.compile(r"country=fr&q=credit$|q=credit&country=fr$"))
    chips = page.get_by_role("list", name="Active filters")
    expect(chips).to_contain_text("Country: France")
    expect(chips).to_contain_text("Search: “credit”")
    chips.get_by_role("link", name=re.compile("Country: France")).click()
    expect(page).to_have_url(re.compile(r"/connectors/\?q=credit$"))
    expect(page.locator("#filter-facets select[name=country]")).to_have_value("")
    page.go_back()
    expect(page).to_have_url(re.compile(r"country=fr"))
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Country: France")
    page.reload()
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Country: France")
    expect(page.locator("#filter-facets select[name=country]")).to_have_value("fr")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/connectors/\?q=credit$"))
    expect(page.get_by_role("list", name="Active filters")).not_to_contain_text("Country")


def test_enter_in_the_bar_sends_only_what_is_applied(logged_in_page, small_catalogue):
    page = logged_in_page("viewer")
    page.goto("/connectors/")
    page.locator("[data-search-input]").fill("bnp")
    with page.expect_request(lambda r: r.is_navigation_request()) as sent:
        page.keyboard.press("Enter")
    # The browser itself asks for only the search: no "&country=&product=&…" to redirect.
    assert sent.value.url.endswith("/connectors/?q=bnp"), sent.value.url
    expect(page).to_have_url(re.compile(r"/connectors/\?q=bnp$"))


def test_a_saved_view_comes_back_from_the_menu(logged_in_page, small_catalogue):
    page = logged_in_page("editor")
    page.goto("/connectors/")
    pick_filter(page, "country", "de")
    expect(page).to_have_url(re.compile(r"country=de"))
    page.locator(".saved-views > summary").click()
    page.get_by_label("Save this view as").fill("German banks")
    page.get_by_role("button", name="Save view").click()
    expect(page).to_have_url(re.compile(r"/connectors/\?country=de$"))
    page.goto("/connectors/")
    page.locator(".saved-views > summary").click()
    page.get_by_role("link", name="German banks").click()
    expect(page).to_have_url(re.compile(r"/connectors/\?country=de$"))
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Country: Germany")
