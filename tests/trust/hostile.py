"""A connector built entirely from hostile upstream data, and a world of pages to render."""

import copy
from typing import Any

from django.test import Client

from audit.models import AuditEntry
from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.changes import batch_execute, connector_set_enabled
from sandbox.backend import load_catalogue

SCRIPT = '<script>alert("pwned")</script>'
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(document.cookie)"
LONG = "Ŵ" + "A" * 10_000
TEMPLATE = "{{ request.META }}{% debug %}"
HOSTILE_UUID = "0bad0bad-0bad-4bad-8bad-0bad0bad0bad"
MARKERS = ("<script>alert", "<img src=x")  # only ever present escaped


def hostile_connector(base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a valid connector) with every free-text property made hostile."""
    connector = copy.deepcopy(base)
    connector.update(
        id=990_001,
        uuid=HOSTILE_UUID,
        name=f"{SCRIPT}{IMG} Bank {TEMPLATE}",
        slug=IMG[:20],
        code=SCRIPT,
        color=f"fff;background:url({JS_URL})",
        siret=LONG,
        urls=[JS_URL, " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
              f"https://bank.example/{SCRIPT}", "https://bank.example/" + "a" * 10_000],
        capabilities=[SCRIPT, "bank"],
        account_types=[IMG],
    )  # fmt: skip
    connector["fields"] = [
        {
            "name": IMG,
            "label": SCRIPT,
            "regex": f"</script><script>alert(1)//{LONG}",
            "type": "list",
            "required": True,
            "description": IMG + TEMPLATE,
            "auth_mechanisms": ["credentials", SCRIPT],
            "connector_sources": ["directaccess"],
            "values": [{"label": SCRIPT, "value": JS_URL}, {"label": LONG, "value": IMG}],
        }
    ]
    for source in connector.get("sources") or []:
        source["name"] = f"{source['name']}{IMG}"
    return connector


def load_world(small_sandbox: list[dict[str, Any]], editor: Any) -> dict[str, Any]:
    """The small sandbox plus the hostile connector, mirrored locally, with audit entries
    about it (a refused change, a succeeded change, a batch)."""
    hostile = hostile_connector(small_sandbox[0])
    hostile["sources"] = [
        {**s, "id": 990_100 + i, "id_connector": hostile["id"]}
        for i, s in enumerate(hostile.get("sources") or [])
    ]
    load_catalogue([hostile])
    sync = catalogue_refresh(trigger="test")
    assert sync.status == "success", sync.error
    connector_set_enabled(
        actor=editor,
        uuid=HOSTILE_UUID,
        enabled=False,
        reason=f"reason {SCRIPT}{IMG}",
        seen_hidden=False,
        request_meta=None,
    )
    batch = batch_execute(
        actor=editor,
        uuids=[HOSTILE_UUID, small_sandbox[1]["uuid"]],
        enabled=True,
        reason=f"batch {IMG}",
        confirm_count=None,
        request_meta=None,
    )
    return {
        "hostile": hostile,
        "uuids": [c["uuid"] for c in small_sandbox] + [HOSTILE_UUID],
        "batch_id": batch.batch_id,
        "entries": list(AuditEntry.objects.values_list("pk", flat=True)),
    }


def page_urls(world: dict[str, Any]) -> list[str]:
    """Every GET page and fragment a signed-in user can open in this world."""
    urls = [
        "/connectors/",
        "/connectors/?q=bank&country=fr&sort=-name&page=1",
        "/connectors/?country=zz&state=bogus&sort=nope&page=x&beta=maybe",
        f"/connectors/?q={HOSTILE_UUID[:8]}",
        f"/connectors/counts/?q={HOSTILE_UUID[:8]}",
        "/connectors/not-a-connector/",
        "/audit/",
        "/audit/?outcome=refused&action=bogus&date_from=2020-13-01",
        f"/audit/?connector={HOSTILE_UUID}",
        f"/audit/batches/{world['batch_id']}/",
        f"/changes/batch/{world['batch_id']}/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
    ]
    urls += [f"/connectors/{uuid}/" for uuid in world["uuids"]]
    urls += [f"/audit/connectors/{uuid}/history/" for uuid in world["uuids"]]
    urls += [f"/audit/{pk}/" for pk in world["entries"]]
    return urls


def csv_urls() -> list[str]:
    return [
        "/connectors/export.csv",
        "/connectors/fields.csv",
        "/connectors/sources.csv",
        "/audit/export.csv",
        "/connectors/export.csv?excel=1",
    ]


def post_pages(client: Client, world: dict[str, Any]) -> list[Any]:
    """Pages only an editor reaches by POST: batch preview, htmx toggle answers (detail, row)."""
    uuids = world["uuids"]
    return [
        client.post("/changes/batch/preview/", {"enabled": "0", "uuids": uuids}),
        client.post(
            f"/connectors/{HOSTILE_UUID}/state/",
            {"enabled": "0", "seen_hidden": "1", "reason": "x"},
            headers={"HX-Request": "true"},
        ),
        client.post(
            f"/connectors/{HOSTILE_UUID}/state/row/",
            {"enabled": "0", "seen_hidden": "1", "reason": "x"},
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/connectors/"},
        ),
        client.post(
            "/changes/batch/apply/", {"enabled": "1", "selection": ",".join(uuids), "reason": ""}
        ),
    ]
