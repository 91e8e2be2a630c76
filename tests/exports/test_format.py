"""File format: Excel variant, file name, headers, and streaming in chunks."""

import csv
import io
import re

import pytest
from django.http import StreamingHttpResponse
from django.test import override_settings

from connectors_ui.exports.stream import BOM, ROWS_PER_CHUNK, ExcelSemicolon, export_filename
from tests.exports.conftest import body_of, parse

NAME = re.compile(r'attachment; filename="powens-demo-sandbox-connectors-\d{8}T\d{6}Z\.csv"')


@pytest.mark.parametrize("flag", [{"excel": "1"}, {"format": "excel"}])
def test_excel_variant_has_bom_and_semicolons(small_catalogue, viewer_client, flag):
    standard = parse(body_of(viewer_client.get("/connectors/export.csv")))
    body = body_of(viewer_client.get("/connectors/export.csv", flag))
    assert body.startswith(BOM.encode("utf-8"))
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("uuid;id;name;")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), dialect=ExcelSemicolon))
    assert rows == standard
    assert any("Εθνική" in row["name"] for row in rows)


def test_standard_variant_is_plain_utf8_with_commas(small_catalogue, viewer_client):
    response = viewer_client.get("/connectors/export.csv", {"excel": "0"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = body_of(response)
    assert not body.startswith(BOM.encode("utf-8"))
    assert body.split(b"\r\n")[0].startswith(b"uuid,id,name,")


@pytest.mark.parametrize(
    ("url", "report"),
    [
        ("/connectors/export.csv", "connectors"),
        ("/connectors/fields.csv", "fields"),
        ("/connectors/sources.csv", "sources"),
        ("/audit/export.csv", "audit"),
    ],
)
def test_file_name_names_domain_report_and_utc_time(small_catalogue, viewer_client, url, report):
    response = viewer_client.get(url)
    disposition = response["Content-Disposition"]
    assert re.fullmatch(
        rf'attachment; filename="powens-demo-sandbox-{report}-\d{{8}}T\d{{6}}Z\.csv"', disposition
    )
    assert response["Cache-Control"] == "private, no-store"
    body_of(response)


@override_settings(POWENS_DOMAIN="acme-prod", POWENS_SANDBOX=False)
def test_file_name_uses_the_powens_domain():
    assert re.fullmatch(r"powens-acme-prod-audit-\d{8}T\d{6}Z\.csv", export_filename("audit"))


def test_streamed_header_first_then_chunks_of_100_rows(catalogue, viewer_client):
    response = viewer_client.get("/connectors/export.csv")
    assert isinstance(response, StreamingHttpResponse)
    chunks = list(response.streaming_content)
    assert chunks[0].startswith(b"uuid,id,name,") and chunks[0].count(b"\r\n") == 1
    sizes = [len(list(csv.reader(io.StringIO(c.decode(), newline="")))) for c in chunks[1:]]
    assert sizes[:-1] == [ROWS_PER_CHUNK] * (len(sizes) - 1) and 0 < sizes[-1] <= ROWS_PER_CHUNK
    rows = sum(sizes)
    assert rows > 300 and len(chunks) == 1 + -(-rows // ROWS_PER_CHUNK)
    assert b"".join(chunks).count(b"\r\n") == rows + 1  # one header row, then data rows only


def test_empty_selection_is_just_the_header(small_catalogue, download, viewer_client):
    body = body_of(viewer_client.get("/connectors/export.csv", {"q": "zzzz-no-match"}))
    assert body.count(b"\r\n") == 1 and body.startswith(b"uuid,")
