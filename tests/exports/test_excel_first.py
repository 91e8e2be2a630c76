"""The export a user double-clicks opens right in Excel: "Export for Excel" is the primary
button (BOM, ";"), the plain UTF-8 CSV a secondary link for tools (issue 10, item 13)."""

import html
import re

import pytest

from tests.exports.conftest import body_of, parse
from tests.fixtures.catalogue import connector_dict

CREDIT = connector_dict("Crédit Agricole", sources=[{"id": 1, "name": "directaccess"}])


def links(content: bytes) -> list[tuple[str, str, str]]:
    """(class, href, label) of every CSV link, in page order."""
    found = re.findall(
        r'<a (?:class="([^"]*)" )?href="([^"]*\.csv[^"]*)"[^>]*>([^<]*)</a>', content.decode()
    )
    return [(css, html.unescape(href), label) for css, href, label in found]


@pytest.fixture
def credit(load_connectors):
    load_connectors([CREDIT])


def test_list_page_leads_with_the_excel_export(credit, viewer_client):
    found = links(viewer_client.get("/connectors/", {"country": "fr"}).content)
    q = "country=fr"
    assert found == [
        ("button small-button", f"/connectors/export.csv?{q}&excel=1", "Export for Excel"),
        ("", f"/connectors/fields.csv?{q}&excel=1", "Fields for Excel"),
        ("", f"/connectors/sources.csv?{q}&excel=1", "Sources for Excel"),
        ("", f"/connectors/export.csv?{q}", "Connectors CSV"),
        ("", f"/connectors/fields.csv?{q}", "Fields CSV"),
        ("", f"/connectors/sources.csv?{q}", "Sources CSV"),
    ]
    assert (
        "For tools and scripts, plain UTF-8 CSV:"
        in viewer_client.get("/connectors/").content.decode()
    )


def test_detail_page_leads_with_the_excel_export(credit, viewer_client):
    uuid = CREDIT["uuid"]
    found = links(viewer_client.get(f"/connectors/{uuid}/").content)
    assert found[0] == (
        "button small-button",
        f"/connectors/export.csv?connector={uuid}&excel=1",
        "Export for Excel",
    )
    assert [label for _, _, label in found] == [
        "Export for Excel", "Fields for Excel", "Sources for Excel",
        "Connector CSV", "Fields CSV", "Sources CSV",
    ]  # fmt: skip


def test_audit_log_leads_with_the_excel_export(credit, viewer_client):
    found = links(viewer_client.get("/audit/", {"outcome": "failed"}).content)
    assert [(href, label) for _, href, label in found] == [
        ("/audit/export.csv?outcome=failed&excel=1", "Download for Excel"),
        ("/audit/export.csv?outcome=failed", "plain UTF-8 CSV for tools"),
    ]


def test_the_excel_file_has_a_bom_and_semicolons_and_the_plain_one_neither(credit, viewer_client):
    excel_href, plain_href = (
        href for _, href, label in links(viewer_client.get("/connectors/").content)
        if label in ("Export for Excel", "Connectors CSV")
    )  # fmt: skip
    excel = body_of(viewer_client.get(excel_href))
    assert excel.startswith(b"\xef\xbb\xbfuuid;id;name;")
    assert "Crédit Agricole" in excel.decode("utf-8-sig")
    assert [row["name"] for row in parse(excel, excel=True)] == ["Crédit Agricole"]
    plain = body_of(viewer_client.get(plain_href))
    assert plain.startswith(b"uuid,id,name,") and "Crédit Agricole".encode() in plain
