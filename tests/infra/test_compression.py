"""Responses are compressed for clients that accept gzip (issue 16), with BREACH in mind."""

import gzip
import re

import pytest

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
# What differs between two responses of one page: masked CSRF tokens and the CSP nonce.
_FRESH = re.compile(r'[A-Za-z0-9]{64}|nonce="[^"]+"')


def test_a_page_is_compressed_when_the_client_accepts_it(viewer_client, catalogue):
    plain = viewer_client.get("/connectors/")
    packed = viewer_client.get("/connectors/", **GZIP)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "HX-Request" in packed["Vary"]
    unpacked = gzip.decompress(packed.content).decode()
    assert _FRESH.sub("", unpacked) == _FRESH.sub("", plain.content.decode())
    assert len(packed.content) * 4 < len(plain.content)


def test_an_htmx_fragment_and_a_csv_stream_are_compressed_too(viewer_client, catalogue):
    fragment = viewer_client.get("/connectors/?q=bnp", HTTP_HX_REQUEST="true", **GZIP)
    assert fragment["Content-Encoding"] == "gzip"
    assert "<tr" in gzip.decompress(fragment.content).decode()
    export = viewer_client.get("/connectors/export.csv", **GZIP)
    assert export["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(export.streaming_content)).decode("utf-8-sig")
    assert body.count("\n") == len(catalogue) + 1


def test_compressed_pages_never_repeat_their_csrf_token_or_length(viewer_client, catalogue):
    """BREACH guesses a secret from compressed lengths: the token is masked afresh in each
    response and the gzip header has a random length, so neither repeats."""
    pages = [viewer_client.get("/connectors/", **GZIP).content for _ in range(6)]
    tokens = {_TOKEN.search(gzip.decompress(page).decode()).group(1) for page in pages}
    assert len(tokens) == 6
    assert len({len(page) for page in pages}) > 1
