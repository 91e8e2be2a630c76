"""The connector list after a change in one of its rows: the row answers in place and says when
it left the current filter; the counts (total, facets, batch total) refresh themselves."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sandbox.backend import get_connector

HTMX = {"HTTP_HX_REQUEST": "true"}
COUNTS_URL = reverse("connector_list_counts")


DISABLE = {"enabled": "0", "seen_hidden": "0", "reason": "Outage, ticket 12"}


def _toggle_row(client, connector, *, page_url: str):
    """Disable from the row as htmx does on the list at ``page_url`` (HX-Current-URL)."""
    return client.post(
        reverse("connector_row_state", args=[connector["uuid"]]),
        DISABLE,
        HTTP_HX_CURRENT_URL=f"http://testserver{page_url}",
        **HTMX,
    )


def _state_count(body: str, state: str) -> int:
    return int(re.search(rf'<option value="{state}"[^>]*>[^<(]+ \(([\d,]+)\)', body)[1])


def _total(body: str) -> int:
    return int(re.search(r'id="result-count".*?<strong>([\d,]+)</strong>', body, re.S)[1])


def test_list_count_line_refreshes_itself_on_connectors_changed(editor_client, local_copy):
    page = editor_client.get("/connectors/?state=enabled&country=fr").content.decode()
    count = page[page.index('<p id="result-count"') :].split(">", 1)[0]
    assert 'hx-get="/connectors/counts/?state=enabled&amp;country=fr"' in count
    assert 'hx-trigger="connectorsChanged from:body"' in count
    assert 'hx-target="this"' in count and 'hx-push-url="false"' in count


def test_row_change_sends_connectors_changed(editor_client, bnp):
    response = _toggle_row(editor_client, bnp, page_url="/connectors/")
    assert response.status_code == 200
    events = [e.strip() for e in response["HX-Trigger-After-Settle"].split(",")]
    assert events == ["auditChanged", "connectorsChanged"]
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_counts_fragment_has_the_new_counts_after_a_row_change(editor_client, bnp):
    before = editor_client.get(f"{COUNTS_URL}?state=enabled", **HTMX).content.decode()
    _toggle_row(editor_client, bnp, page_url="/connectors/?state=enabled")
    after = editor_client.get(f"{COUNTS_URL}?state=enabled", **HTMX).content.decode()
    assert _state_count(after, "hidden") == _state_count(before, "hidden") + 1
    assert _state_count(after, "enabled") == _state_count(before, "enabled") - 1
    assert _total(after) == _total(before) - 1
    # Counts only: the count line, the facets and batch total out of band, no rows.
    assert after.lstrip().startswith('<p id="result-count"')
    assert '<div id="filter-facets" class="facets" hx-swap-oob="true">' in after
    assert f'<span id="batch-matching-total" hx-swap-oob="true">{_total(after)} connector' in after
    assert "row-state-" not in after and 'id="results-table"' not in after


def test_a_row_that_leaves_the_filter_stays_with_a_note(editor_client, bnp):
    response = _toggle_row(editor_client, bnp, page_url="/connectors/?state=enabled")
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div id="row-state-{bnp["uuid"]}"')
    assert "disabled on this domain</span>" in body and "No longer matches this filter" in body
    # No-JS fallback of the re-rendered form goes back to the list, not to the POST URL.
    assert 'name="next" value="/connectors/?state=enabled"' in body


@pytest.mark.parametrize("page_url", ["/connectors/", "/connectors/?state=hidden", None])
def test_no_note_when_the_row_still_matches_or_no_list_is_known(editor_client, bnp, page_url):
    if page_url is None:
        response = editor_client.post(
            reverse("connector_row_state", args=[bnp["uuid"]]),
            DISABLE,
            **HTMX,
        )
    else:
        response = _toggle_row(editor_client, bnp, page_url=page_url)
    body = response.content.decode()
    assert "disabled on this domain</span>" in body
    assert "No longer matches this filter" not in body


@pytest.mark.browser
def test_disabling_a_row_updates_the_counts_without_reload(logged_in_page, small_catalogue):
    page = logged_in_page("editor")
    problems = []  # CSP violations and htmx errors (a swap with no target) land in the console
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto("/connectors/?state=enabled")
    page.evaluate("window.__sameDocument = true")
    state = page.locator("#filter-facets select[name=state]")
    total = page.locator("#result-count strong")
    hidden_before = _option_count(state, "hidden")
    enabled_before = _option_count(state, "enabled")
    total_before = int(total.inner_text())
    assert total_before == enabled_before
    row = page.locator("[id^=row-state-]").first
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("Bank outage, ticket 88")
    row.locator("button[type=submit]").click()
    expect(row.locator(".message")).to_contain_text("disabled on this domain.")
    expect(state.locator("option[value=hidden]")).to_have_text(
        f"disabled on this domain ({hidden_before + 1})"
    )
    expect(state.locator("option[value=enabled]")).to_have_text(f"enabled ({enabled_before - 1})")
    expect(total).to_have_text(str(total_before - 1))
    expect(page.locator("#batch-matching-total")).to_have_text(f"{total_before - 1} connectors")
    expect(row).to_contain_text("No longer matches this filter")
    expect(row.locator(".badge", has_text="disabled on this domain")).to_be_visible()
    expect(row.locator(".message")).to_contain_text("disabled on this domain.")
    assert page.evaluate("window.__sameDocument === true")
    assert page.url.endswith("/connectors/?state=enabled") and problems == []


def _option_count(select, value: str) -> int:
    text = select.locator(f"option[value={value}]").inner_text()
    return int(re.search(r"\((\d+)\)", text)[1])
