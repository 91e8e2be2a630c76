"""What the UX review changed in the templates, asserted on the rendered pages."""

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry


def _detail(client: Client, connector: dict[str, Any]) -> str:
    return client.get(reverse("connector_detail", args=[connector["uuid"]])).content.decode()


def test_hidden_connector_reads_as_a_warning_not_as_good_news(viewer_client, small_catalogue):
    page = _detail(viewer_client, small_catalogue[2])  # BoursoBank, hidden
    assert (
        'Hidden (disabled on this domain)</th><td><span class="badge badge-warn">yes</span>' in page
    )
    assert "This connector is disabled on this domain." in page


def test_detail_history_names_both_of_its_tables(viewer_client, small_catalogue):
    history = _detail(viewer_client, small_catalogue[0]).split('id="connector-history"')[1]
    assert "<h2>History</h2>" in history
    assert "Changes made from this dashboard" in history
    assert "Changes seen in the catalogue" in history


def test_every_page_loads_batch_js_so_the_confirm_button_cannot_be_pressed_twice(
    editor_client, small_catalogue
):
    preview = editor_client.post(
        reverse("batch_preview"), {"enabled": "0", "select_all": "1", "query": "country=fr"}
    ).content.decode()
    assert "js/batch.js" in preview and "data-disable-on-submit" in preview
    cancel = re.search(r'<a href="([^"]*)">Cancel</a>', preview)
    assert cancel and cancel.group(1) == "/connectors/?country=fr"


def test_batch_result_title_and_rows_link_to_each_connector(editor_client, small_catalogue):
    chosen = [c for c in small_catalogue if not c["hidden"]][:2]
    form = {"enabled": "0", "selection": ",".join(c["uuid"] for c in chosen), "reason": "UX"}
    body = editor_client.post(reverse("batch_apply"), form, follow=True).content.decode()
    assert "<h1>Batch disable of 2 connectors: all 2 succeeded</h1>" in body
    for connector in chosen:
        assert f'href="{reverse("connector_detail", args=[connector["uuid"]])}"' in body
    batch_id = AuditEntry.objects.exclude(batch_id=None).first().batch_id
    batch_page = editor_client.get(reverse("audit:batch", args=[batch_id])).content.decode()
    assert "<h1>Batch disable of 2 connectors</h1>" in batch_page
    assert 'class="message message-success"' in batch_page


def test_audit_entry_shows_what_powens_returned_as_json(editor_client, small_catalogue):
    bnp = small_catalogue[0]
    form = {"enabled": "0", "seen_hidden": "0", "reason": "UX"}
    editor_client.post(reverse("connector_state", args=[bnp["uuid"]]), form)
    entry = AuditEntry.objects.get(connector_uuid=bnp["uuid"])
    page = editor_client.get(reverse("audit:entry", args=[entry.pk])).content.decode()
    assert "Observed: <code>{&quot;hidden&quot;: true}</code>" in page
    assert "&#x27;hidden&#x27;: True" not in page
