"""Change views: happy paths (htmx and no-JS), roles, methods, fragments, the batch flow."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry, Outcome
from connectors_ui.changes import preview as preview_module
from sandbox.backend import get_connector, get_source, set_connector_hidden
from tests.changes.conftest import entries

HTMX = {"HTTP_HX_REQUEST": "true"}


def _state_url(connector):
    return reverse("connector_state", args=[connector["uuid"]])


def _row_state_url(connector):
    return reverse("connector_row_state", args=[connector["uuid"]])


def _disable_form(**overrides):
    return {"enabled": "0", "seen_hidden": "0", "reason": "Outage", **overrides}


def test_detail_page_shows_the_toggle_and_history(editor_client, bnp):
    page = editor_client.get(reverse("connector_detail", args=[bnp["uuid"]])).content.decode()
    assert f'hx-post="{_state_url(bnp)}"' in page and 'hx-disabled-elt="find button"' in page
    assert 'id="audit-history"' in page and 'hx-trigger="auditChanged from:body"' in page
    assert (
        "Disabling it hands synchronisation to" in page
    )  # priority order beside the source toggle


def test_viewer_sees_no_toggle(viewer_client, bnp):
    page = viewer_client.get(reverse("connector_detail", args=[bnp["uuid"]])).content.decode()
    assert "Only editors and admins can change it." in page and 'name="reason"' not in page


def test_htmx_toggle_refreshes_every_panel_of_the_detail_page(editor_client, bnp):
    """The answer is the whole page: the form swaps its panel (hx-select) and the badges,
    properties, sources and history (hx-select-oob), all showing the new state."""
    response = editor_client.post(_state_url(bnp), _disable_form(), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    panel = body[body.index('<div id="connector-actions-panel"') :]
    assert "BNP Paribas disabled on this domain." in panel[:600] and "Enable connector" in panel
    assert 'hx-select="#connector-actions-panel"' in body
    assert (
        'hx-select-oob="#connector-badges,#connector-summary,#properties,#sources,'
        '#connector-history"' in body
    )
    badges = body[body.index('<span id="connector-badges">') :][:200]
    assert "disabled on this domain</span>" in badges
    summary = body[body.index('<section id="connector-summary"') :].split("</section>")[0]
    assert "<strong>Disabled on this domain:</strong>" in summary and "“Outage”" in summary
    assert "Outage" in body[body.index('id="audit-history"') :]
    assert body.count("disabled on this domain.") == 1 and "Powens confirmed" not in body
    assert get_connector(bnp["uuid"])["hidden"] is True
    assert entries()[0].request_id and entries()[0].user_agent == ""


def test_no_js_toggle_redirects_with_a_message(editor_client, bnp):
    response = editor_client.post(_state_url(bnp), _disable_form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("connector_detail", args=[bnp["uuid"]])
    assert "BNP Paribas disabled on this domain." in response.content.decode()
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_the_entry_page_shows_the_status_of_a_successful_write(editor_client, bnp):
    editor_client.post(_state_url(bnp), _disable_form())
    [entry] = entries()
    page = editor_client.get(reverse("audit:entry", args=[entry.pk])).content.decode()
    assert "outcome-succeeded" in page and "· HTTP 200" in page


def test_row_toggle_answers_with_the_row_cell_and_redirects_back_to_the_list(editor_client, bnp):
    form = _disable_form(next="/connectors/?q=bnp")
    response = editor_client.post(_row_state_url(bnp), form, **HTMX)
    assert response.content.decode().lstrip().startswith(f'<div id="row-state-{bnp["uuid"]}"')
    assert response["HX-Trigger-After-Settle"] == "auditChanged, connectorsChanged"
    set_connector_hidden(bnp["uuid"], False)
    response = editor_client.post(_row_state_url(bnp), {**form, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/connectors/"


def test_the_url_not_a_posted_field_chooses_the_answer(editor_client, bnp):
    """The detail page's URL answers with the detail page, whatever fragment a post asks for."""
    form = _disable_form(where="row")
    body = editor_client.post(_state_url(bnp), form, **HTMX).content.decode()
    assert '<div id="connector-actions-panel"' in body and 'id="row-state-' not in body


def test_the_message_names_a_hostile_connector_escaped(editor_client, local_copy):
    hostile = local_copy[4]
    form = _disable_form()
    body = editor_client.post(_row_state_url(hostile), form, **HTMX).content.decode()
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co disabled on this domain."
        in body
    )
    assert "<script>alert" not in body


def test_list_rows_carry_checkboxes_and_toggles_for_editors(editor_client, local_copy):
    page = editor_client.get("/connectors/").content.decode()
    assert 'id="batch-form"' in page and 'form="batch-form"' in page and "data-select-page" in page
    assert f'id="row-state-{local_copy[0]["uuid"]}"' in page and "js/batch.js" in page


def test_viewer_post_is_403_recorded_and_writes_nothing(viewer_client, bnp):
    assert viewer_client.post(_state_url(bnp), _disable_form(), **HTMX).status_code == 403
    assert get_connector(bnp["uuid"])["hidden"] is False
    assert [(e.current_outcome, e.error_code) for e in entries()] == [
        (Outcome.REFUSED, "forbidden")
    ]


def test_anonymous_is_sent_to_login(anon_client, bnp):
    response = anon_client.post(_state_url(bnp), _disable_form())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not AuditEntry.objects.exists()


def test_get_is_not_allowed(editor_client, bnp):
    assert editor_client.get(_state_url(bnp)).status_code == 405


def test_missing_reason_is_shown_inline_and_recorded(editor_client, bnp):
    response = editor_client.post(_state_url(bnp), _disable_form(reason=""), **HTMX)
    assert response.status_code == 200 and "A reason is required" in response.content.decode()
    assert entries()[0].error_code == "invalid" and get_connector(bnp["uuid"])["hidden"] is False


def test_stale_toggle_shows_the_fresh_state(editor_client, bnp):
    set_connector_hidden(bnp["uuid"], True)
    body = editor_client.post(_state_url(bnp), _disable_form(), **HTMX).content.decode()
    assert "it is now disabled. Nothing was written." in body
    assert "changed outside this dashboard" in body and "Enable connector" in body


def test_powens_refusal_is_shown_inline(editor_client, bnp, faults):
    faults.inject("status", status=409, endpoint="E3")
    body = editor_client.post(_state_url(bnp), _disable_form(), **HTMX).content.decode()
    assert "Powens refused the change" in body and "nothing was changed" in body
    assert "message-error" in body and "(HTTP 409, " in body
    assert settings_token() not in body


def test_a_rate_limited_write_says_so(editor_client, bnp, faults):
    faults.inject("status", status=429, endpoint="E3", retry_after=30)
    body = editor_client.post(_state_url(bnp), _disable_form(), **HTMX).content.decode()
    assert "Powens is limiting calls from this dashboard (too many requests)" in body
    assert "nothing was changed. Try again in a minute." in body and "(HTTP 429, " in body
    assert "message-error" in body and not get_connector(bnp["uuid"])["hidden"]


def test_a_rate_limited_read_before_the_write_says_when_to_try_again(editor_client, bnp, faults):
    """The re-read is refused for longer than a page may wait: nothing is sent, and the
    user learns why and when to come back, in one sentence."""
    faults.inject("status", status=429, endpoint="E2", retry_after=40)
    body = editor_client.post(_state_url(bnp), _disable_form(), **HTMX).content.decode()
    assert "(too many requests); nothing was changed. Try again in 40 seconds." in body
    assert "could not be reached" not in body and "(HTTP 429, tooManyRequests" in body
    assert (
        entries()[-1].current_outcome == Outcome.FAILED and not get_connector(bnp["uuid"])["hidden"]
    )


def test_powens_server_error_is_read_back_and_shown_as_what_it_was(editor_client, bnp, faults):
    """A 503 may hide an applied write; the read made at once shows it was not applied."""
    faults.inject("status", status=503, endpoint="E3")
    body = editor_client.post(_state_url(bnp), _disable_form(), **HTMX).content.decode()
    assert "reading it back shows the change was not applied: nothing was changed." in body
    assert "message-error" in body and "(HTTP 503, " in body
    assert "state unknown" not in body and "Disable connector" in body
    assert settings_token() not in body


def settings_token() -> str:
    from django.conf import settings

    return settings.POWENS_CONFIG_TOKEN


def test_source_toggle(editor_client, bnp):
    source = bnp["sources"][0]
    url = reverse("source_state", args=[bnp["uuid"], source["id"]])
    form = {"enabled": "0", "seen_disabled": "0", "reason": "API down"}
    body = editor_client.post(url, form, **HTMX).content.decode()
    cell = body[body.index(f'<div id="source-state-{source["id"]}"') :][:1500]
    assert "Source openapi of BNP Paribas disabled." in cell and "Enable source" in cell
    assert 'hx-target="#sources" hx-select="#sources"' in cell
    assert body.count("Source openapi of BNP Paribas disabled.") == 1
    assert get_source(bnp["uuid"], source["id"])["disabled"] is not None
    redirect = editor_client.post(url, {**form, "enabled": "1", "seen_disabled": "1"})
    assert (
        redirect["Location"].endswith("#sources")
        and get_source(bnp["uuid"], source["id"])["disabled"] is None
    )
    shown = editor_client.get(redirect["Location"]).content.decode()
    assert "Source openapi of BNP Paribas enabled." in shown
    assert (
        reverse("source_state", args=[bnp["uuid"], 999999])
        and editor_client.post(
            reverse("source_state", args=[bnp["uuid"], 999999]), form
        ).status_code
        == 404
    )


def test_history_fragment_lists_the_connector_entries(viewer_client, editor_client, bnp):
    editor_client.post(_state_url(bnp), _disable_form())
    body = viewer_client.get(
        reverse("audit:connector_history", args=[bnp["uuid"]])
    ).content.decode()
    assert "Disable connector" in body and "Outage" in body and "succeeded" in body


@override_settings(BATCH_CONFIRM_THRESHOLD=2)
def test_batch_flow_preview_confirm_result(editor_client, local_copy):
    uuids = [c["uuid"] for c in local_copy if not c["hidden"]]
    preview = editor_client.post(
        reverse("batch_preview"), {"enabled": "0", "select_all": "1", "query": ""}
    )
    page = preview.content.decode()
    assert f"Preview: disable {len(uuids)} connectors" in page and 'name="confirm_count"' in page
    assert "Already disabled on this domain (1)" in page
    form = {"enabled": "0", "selection": ",".join(uuids), "reason": "Planned maintenance"}
    refused = editor_client.post(reverse("batch_apply"), {**form, "confirm_count": "1"})
    assert f"Type the number of connectors ({len(uuids)})" in refused.content.decode()
    done = editor_client.post(
        reverse("batch_apply"), {**form, "confirm_count": str(len(uuids))}, follow=True
    )
    body = done.content.decode()
    assert f"all {len(uuids)} succeeded" in body and "Batch audit page" in body
    assert all(get_connector(u)["hidden"] for u in uuids)


def test_batch_preview_from_checkboxes_and_viewer_is_refused(
    editor_client, viewer_client, local_copy
):
    chosen = {"enabled": "1", "uuids": [local_copy[2]["uuid"], "junk"]}
    page = editor_client.post(reverse("batch_preview"), chosen).content.decode()
    assert "Preview: enable 1 connector" in page and "Not a connector UUID." in page
    assert viewer_client.post(reverse("batch_preview"), chosen).status_code == 403
    form = {"enabled": "1", "selection": local_copy[2]["uuid"], "reason": "r"}
    assert viewer_client.post(reverse("batch_apply"), form).status_code == 403
    assert entries()[0].error_code == "forbidden" and get_connector(local_copy[2]["uuid"])["hidden"]


def test_unknown_batch_is_404(viewer_client):
    assert (
        viewer_client.get(
            reverse("batch_result", args=["00000000-0000-4000-8000-000000000000"])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("url", ["batch_preview", "batch_apply"])
def test_batch_endpoints_refuse_get(editor_client, url):
    assert editor_client.get(reverse(url)).status_code == 405


@pytest.mark.parametrize("missing", ["enabled", "seen_hidden"])
def test_a_form_without_the_direction_writes_nothing(editor_client, bnp, missing):
    """A crafted POST without ``enabled`` must not default to 'disable'."""
    form = {k: v for k, v in _disable_form().items() if k != missing}
    body = editor_client.post(_state_url(bnp), form, **HTMX).content.decode()
    assert "The form is incomplete" in body and get_connector(bnp["uuid"])["hidden"] is False
    assert entries()[0].error_code == "invalid"


def test_a_batch_without_the_direction_writes_nothing(editor_client, local_copy):
    form = {"selection": local_copy[0]["uuid"], "reason": "r"}
    body = editor_client.post(reverse("batch_apply"), form).content.decode()
    assert "Choose whether to enable or disable" in body
    # No "disable" preview is offered in its place: the user chooses again.
    assert 'id="batch-confirm"' not in body and 'id="batch-direction"' in body
    assert f'name="selection" value="{local_copy[0]["uuid"]}"' in body
    assert get_connector(local_copy[0]["uuid"])["hidden"] is False


def test_the_batch_bar_preselects_no_direction(editor_client, local_copy):
    bar = editor_client.get("/connectors/").content.decode()
    bar = bar[bar.index('id="batch-form"') :].split("</form>", 1)[0]
    assert 'name="enabled" value="0">' in bar and 'name="enabled" value="1">' in bar
    assert "checked" not in bar


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
@pytest.mark.parametrize("enabled", [None, "", "2"])
def test_a_preview_without_a_direction_asks_for_one(editor_client, local_copy, headers, enabled):
    chosen = [local_copy[0]["uuid"], local_copy[1]["uuid"]]
    form = {"uuids": chosen, "query": "country=fr"}
    if enabled is not None:
        form["enabled"] = enabled
    response = editor_client.post(reverse("batch_preview"), form, **headers)
    body = response.content.decode()
    assert response.status_code == 200 and "Choose enable or disable." in body
    assert "Preview: " not in body and 'id="batch-confirm"' not in body
    assert f'name="selection" value="{",".join(chosen)}"' in body
    assert 'name="query" value="country=fr"' in body and "checked" not in body
    assert not AuditEntry.objects.exists()
    assert [get_connector(u)["hidden"] for u in chosen] == [False, False]


def test_choosing_on_the_direction_page_previews_the_same_selection(editor_client, local_copy):
    chosen = [local_copy[0]["uuid"], local_copy[1]["uuid"]]
    asked = editor_client.post(reverse("batch_preview"), {"uuids": chosen}).content.decode()
    carried = re.search(r'name="selection" value="([^"]*)"', asked).group(1)
    form = {"enabled": "0", "selection": carried, "query": ""}
    page = editor_client.post(reverse("batch_preview"), form).content.decode()
    assert "Preview: disable 2 connectors" in page and 'id="batch-confirm"' in page


def test_select_all_without_a_direction_carries_the_filter_on(editor_client, local_copy):
    form = {"select_all": "1", "query": "country=fr"}
    body = editor_client.post(reverse("batch_preview"), form).content.decode()
    assert "Choose enable or disable." in body and 'name="select_all" value="1"' in body
    assert 'name="selection"' not in body and "Preview: " not in body


def test_select_all_above_the_batch_limit_is_refused_not_cut(
    editor_client, local_copy, monkeypatch
):
    """Seven connectors match; with a limit of five the preview refuses instead of showing five."""
    monkeypatch.setattr(preview_module, "BATCH_MAX", 5)
    form = {"enabled": "0", "select_all": "1", "query": ""}
    page = editor_client.post(reverse("batch_preview"), form).content.decode()
    assert "This selection has 7 connectors; batches are limited to 5. Narrow the filter." in page
    assert 'id="batch-confirm"' not in page and "Preview: " not in page
    uuids = ",".join(c["uuid"] for c in local_copy)
    applied = {"enabled": "0", "selection": uuids, "reason": "r", "confirm_count": "7"}
    refused = editor_client.post(reverse("batch_apply"), applied)
    assert refused.status_code == 200
    assert "This selection has 7 connectors" in refused.content.decode()
    assert (
        entries()[0].error_code == "invalid" and not get_connector(local_copy[0]["uuid"])["hidden"]
    )


def test_a_change_posted_for_an_unknown_connector_or_source_is_404_and_recorded(
    editor_client, viewer_client, bnp
):
    unknown = "00000000-0000-4000-8000-000000000000"
    form = _disable_form(reason="Typo in the URL")
    assert editor_client.post(f"/connectors/{unknown}/state/", form).status_code == 404
    source_url = reverse("source_state", args=[bnp["uuid"], 999999])
    assert editor_client.post(source_url, {"enabled": "1", "reason": "x"}).status_code == 404
    connector, source = entries()
    assert (connector.action, connector.outcome, connector.error_code) == (
        "connector_disable",
        Outcome.REFUSED,
        "not_found",
    )
    assert (connector.connector_uuid, connector.reason) == (unknown, "Typo in the URL")
    assert (source.action, source.error_code, source.actor_username) == (
        "source_enable",
        "not_found",
        "editor-user",
    )
    assert (source.connector_name, source.source_id) == ("BNP Paribas", 999999)
    too_big = reverse("source_state", args=[bnp["uuid"], 2**70])
    assert editor_client.post(too_big, form).status_code == 404
    assert (entries()[-1].source_id, entries()[-1].details["source_id"]) == (None, str(2**70))
    assert editor_client.get(f"/connectors/{unknown}/state/").status_code == 405
    assert editor_client.get(source_url).status_code == 405
    assert len(entries()) == 3


def test_someone_who_may_not_change_cannot_tell_known_references_from_unknown(viewer_client, bnp):
    """The role is checked before existence: a viewer gets the same 403 for a real connector
    or source and for a made-up one, and each attempt is recorded as forbidden."""
    form = _disable_form(reason="Probing")
    urls = [
        reverse("connector_state", args=[bnp["uuid"]]),
        "/connectors/00000000-0000-4000-8000-000000000000/state/",
        reverse("source_state", args=[bnp["uuid"], bnp["sources"][0]["id"]]),
        reverse("source_state", args=[bnp["uuid"], 999999]),
    ]
    answers = [viewer_client.post(url, form) for url in urls]
    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    message = "Only editors and admins can change connectors and sources."
    assert all(message in answer.content.decode() for answer in answers)
    assert [entry.error_code for entry in entries()] == ["forbidden"] * 4


def test_the_page_answering_a_change_reads_the_sources_once(editor_client, bnp):
    """After the change the connector is reloaded; its sources must not then be read again for
    every source shown (BNP has three)."""
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(_state_url(bnp), _disable_form(), **HTMX)
    assert response.status_code == 200 and "Enable connector" in response.content.decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"connectors_ui_cataloguesource"' in q["sql"]
    ]
    assert len(reads) <= 2, reads
