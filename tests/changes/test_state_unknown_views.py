"""What the pages show after a lost answer that could not be read back (issue 10, item 2):
"state unknown" wherever the target appears (list row, detail page, source cell, batch
result), never the state from before as if it were known, and "Check again" for the editor
who made the change (or an admin), which reads the target and resolves the entry."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Outcome
from sandbox.backend import get_connector
from tests.changes.conftest import entries

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTE_FOR_OTHERS = "Its author or an admin can check it again."


def _row_cell(page: str, uuid: str) -> str:
    start = page.index(f'<div id="row-state-{uuid}"')
    return page[start : page.index("</div>", start)]


def _viewer_row(page: str, uuid: str) -> str:
    """A viewer's row has no state cell of its own: the row from the connector's link on."""
    start = page.index(f'href="/connectors/{uuid}/"')
    return page[start : page.index("</tr>", start)]


@pytest.fixture
def client_for_role(make_user):
    """A client signed in as a new user ``other-<role>``: not the one who made the change."""

    def build(role: str) -> Client:
        client = Client()
        client.force_login(make_user(role, username=f"other-{role}"))
        return client

    return build


@pytest.fixture
def unknown_bnp(editor_client, bnp, lose_answer):
    """BNP Paribas disabled from its list row by editor-user; Powens applied it, the answer
    was lost and the read-back failed. Returns the row's answer."""
    lose_answer("E3", "update_connector", "E2")
    form = {"enabled": "0", "seen_hidden": "0", "reason": "Outage"}
    url = reverse("connector_row_state", args=[bnp["uuid"]])
    return editor_client.post(url, form, **HTMX).content.decode()


def test_the_row_answer_says_state_unknown_and_offers_check_again(unknown_bnp, bnp):
    cell = _row_cell(unknown_bnp, bnp["uuid"])
    assert "state unknown</span>" in cell and "(last seen enabled)" in cell
    assert "could not be read back" in cell and "message-warning" in cell
    assert f'hx-post="{reverse("connector_row_check", args=[bnp["uuid"]])}"' in cell
    assert "Check again" in cell and "Disable…" not in cell and ">enabled</span>" not in cell
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_every_viewer_of_the_list_sees_state_unknown(unknown_bnp, bnp, client_for_role):
    pages = {
        role: client_for_role(role).get(reverse("connector_list"))
        for role in ("viewer", "editor", "admin")
    }
    viewer = _viewer_row(pages["viewer"].content.decode(), bnp["uuid"])
    assert "state unknown</span>" in viewer and "Check again" not in viewer
    other = _row_cell(pages["editor"].content.decode(), bnp["uuid"])
    assert "state unknown</span>" in other and NOTE_FOR_OTHERS in other and "Disable…" not in other
    admin = _row_cell(pages["admin"].content.decode(), bnp["uuid"])
    assert "Check again" in admin


def test_the_list_asks_once_for_all_its_rows(editor_client, local_copy, lose_answer):
    """One query for the page's targets, however many rows are unknown."""

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("connector_list")).status_code == 200
        return len(queries)

    list_queries()  # the first page of a session costs more (the session, the index)
    before = list_queries()
    lose_answer("E4", "batch_update_connectors", "E1")
    uuids = ",".join(c["uuid"] for c in local_copy if not c["hidden"])
    form = {"enabled": "0", "selection": uuids, "reason": "r", "confirm_count": "6"}
    editor_client.post(reverse("batch_apply"), form)
    page = editor_client.get(reverse("connector_list")).content.decode()
    assert page.count("state unknown</span>") == 6
    assert list_queries() == before


def test_the_detail_page_says_state_unknown_and_whose_change(unknown_bnp, bnp, editor_client):
    page = editor_client.get(reverse("connector_detail", args=[bnp["uuid"]])).content.decode()
    badges = page[page.index('<span id="connector-badges">') :][:400]
    assert "state unknown</span>" in badges and ">enabled</span>" not in badges
    panel = page[page.index('<div id="connector-actions-panel"') :][:2000]
    assert "State unknown." in panel and "change made by editor-user" in panel
    assert "may be enabled or disabled now (last seen enabled)" in panel
    assert f'action="{reverse("connector_check", args=[bnp["uuid"]])}"' in panel
    assert "This connector is <strong>enabled" not in panel and "Disable connector" not in panel


def test_check_again_on_the_detail_page_shows_the_real_state(
    unknown_bnp, bnp, editor_client, faults
):
    faults.clear()
    url = reverse("connector_check", args=[bnp["uuid"]])
    body = editor_client.post(url, **HTMX).content.decode()
    panel = body[body.index('<div id="connector-actions-panel"') :][:1500]
    assert "Checked again with Powens: the change succeeded" in panel and "message-success" in panel
    assert "Enable connector" in panel and "state unknown" not in body
    badges = body[body.index('<span id="connector-badges">') :][:200]
    assert "disabled on this domain</span>" in badges
    assert entries()[0].current_outcome == Outcome.SUCCEEDED


def test_check_again_in_a_row_answers_with_the_cell(unknown_bnp, bnp, editor_client, faults):
    faults.clear()
    response = editor_client.post(reverse("connector_row_check", args=[bnp["uuid"]]), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div id="row-state-{bnp["uuid"]}"')
    assert "Checked again with Powens: the change succeeded" in body and "Enable…" in body
    assert response["HX-Trigger-After-Settle"] == "auditChanged, connectorsChanged"


def test_check_again_without_javascript_goes_back_with_a_message(unknown_bnp, bnp, editor_client):
    """Powens still cannot be read: the page says so, and the state stays unknown."""
    url = reverse("connector_check", args=[bnp["uuid"]])
    response = editor_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("connector_detail", args=[bnp["uuid"]])
    page = response.content.decode()
    assert "Powens could not be read: the state is still unknown." in page
    assert "State unknown." in page


def test_another_editor_may_not_check_again(unknown_bnp, bnp, client_for_role, faults):
    faults.clear()
    response = client_for_role("editor").post(reverse("connector_check", args=[bnp["uuid"]]))
    assert response.status_code == 403
    refused = entries()[-1]
    assert (refused.actor_username, refused.error_code) == ("other-editor", "forbidden")
    assert entries()[0].current_outcome == Outcome.UNKNOWN


def test_an_unknown_source_shows_in_its_cell(bnp, editor_client, lose_answer, faults):
    source = bnp["sources"][0]["id"]
    lose_answer("E8", "update_source", "E7")
    url = reverse("source_state", args=[bnp["uuid"], source])
    body = editor_client.post(
        url, {"enabled": "0", "seen_disabled": "0", "reason": "api"}, **HTMX
    ).content.decode()
    cell = body[body.index(f'<div id="source-state-{source}"') :][:2500]
    assert "state unknown</span>" in cell and "this source may be enabled or disabled" in cell
    check = reverse("source_check", args=[bnp["uuid"], source])
    assert f'hx-post="{check}"' in cell and "Disable source" not in cell
    badges = body[body.index('<span id="connector-badges">') :][:200]
    assert "state unknown" not in badges, "the connector itself is known"
    faults.clear()
    body = editor_client.post(check, **HTMX).content.decode()
    cell = body[body.index(f'<div id="source-state-{source}"') :][:1500]
    assert 'badge-bad">disabled</span>' in cell and "Checked again with Powens" in cell


def test_the_batch_result_names_the_unknown_and_checks_them_again(
    editor_client, local_copy, lose_answer, faults
):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]][:2]
    lose_answer("E4", "batch_update_connectors", "E1")
    form = {"enabled": "0", "selection": ",".join(uuids), "reason": "r"}
    page = editor_client.post(reverse("batch_apply"), form, follow=True).content.decode()
    assert "State unknown: 2 connectors" in page and local_copy[0]["name"] in page
    batch_id = entries()[0].batch_id
    assert f'action="{reverse("batch_check", args=[batch_id])}"' in page
    faults.clear()
    response = editor_client.post(reverse("batch_check", args=[batch_id]), follow=True)
    page = response.content.decode()
    assert "2 changes resolved (2 succeeded, 0 failed)" in page
    assert "State unknown" not in page and "all 2 succeeded" in page
