"""A batch selection made across pages and filters: the rows ticked on this page (``uuids``)
and those kept from elsewhere (``selection``, filled by js/batch.js) make one selection, each
connector once (issue 10, item 12)."""

import re

from django.urls import reverse

HTMX = {"headers": {"HX-Request": "true"}}


def batch_bar(client, params=None) -> str:
    body = client.get("/connectors/", params or {}).content.decode()
    return body[body.index('id="batch-form"') :].split("</form>", 1)[0]


def previewed(body: str) -> list[str]:
    return re.findall(r"<td><code>([0-9a-f-]{36})</code></td>", body)


def test_the_preview_lists_the_page_and_the_kept_selection_each_once(editor_client, local_copy):
    on_page = [local_copy[0]["uuid"], local_copy[1]["uuid"]]
    elsewhere = [local_copy[5]["uuid"], local_copy[1]["uuid"]]  # the second also ticked here
    form = {"enabled": "0", "uuids": on_page, "selection": ",".join(elsewhere), "query": "page=2"}
    body = editor_client.post(reverse("batch_preview"), form).content.decode()
    assert sorted(previewed(body)) == sorted({*on_page, *elsewhere})
    assert len(previewed(body)) == 3


def test_the_direction_page_counts_each_connector_once(editor_client, local_copy):
    chosen = local_copy[0]["uuid"]
    form = {"uuids": [chosen], "selection": f"{chosen},{local_copy[2]['uuid']}"}
    body = editor_client.post(reverse("batch_preview"), form).content.decode()
    assert "Change the 2 selected connectors" in body
    assert f'name="selection" value="{chosen},{local_copy[2]["uuid"]}"' in body


def test_the_bar_has_the_selection_field_and_says_the_scope_without_javascript(
    editor_client, local_copy
):
    bar = batch_bar(editor_client)
    assert '<input type="hidden" name="selection" value="" data-batch-selection>' in bar
    assert "data-selected-count" in bar
    assert re.search(r"<button [^>]*data-clear-selection hidden>Clear selection</button>", bar)
    noscript = bar.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "Only the rows ticked on this page are included" in noscript


def test_the_htmx_fragment_keeps_the_selection_field(editor_client, local_copy):
    body = editor_client.get("/connectors/", {"page": 1}, **HTMX).content.decode()
    assert "data-batch-selection" in body and "data-clear-selection" in body


def test_a_finished_batch_marks_its_page_so_the_selection_is_cleared(editor_client, local_copy):
    form = {"enabled": "0", "selection": local_copy[0]["uuid"], "reason": "Planned maintenance"}
    response = editor_client.post(reverse("batch_apply"), form, follow=True)
    assert response.status_code == 200 and "data-batch-done" in response.content.decode()
