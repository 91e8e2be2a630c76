"""Every page, for every role, is CSP-clean, inert with hostile upstream data, and sent with
the security headers."""

import csv
import io

import pytest
from django.test import Client

from tests.trust.hostile import (
    HOSTILE_UUID,
    JS_URL,
    LONG,
    MARKERS,
    TEMPLATE,
    csv_urls,
    load_world,
    page_urls,
    post_pages,
)
from tests.trust.support import inline_code_problems, scan_html, unsafe_external_links

ROLES = ("viewer", "editor", "admin")


@pytest.fixture
def world(small_catalogue, make_user):
    return load_world(small_catalogue, make_user("editor", username="world-editor"))


def assert_safe_page(response, url: str) -> str:
    assert response.status_code < 500, (url, response.status_code)
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]
    html = response.content.decode()
    assert inline_code_problems(html) == [], url
    assert unsafe_external_links(html) == [], url
    for marker in MARKERS:
        assert marker not in html, (url, marker)
    return html


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_clean_for_every_role(role, world, client_for):
    client = client_for(role)
    for url in page_urls(world):
        for headers in ({}, {"HX-Request": "true"}):
            assert_safe_page(client.get(url, headers=headers), url)


def test_public_pages_and_error_pages_are_clean(world, client_for):
    anonymous = Client()
    assert_safe_page(anonymous.get("/accounts/login/"), "login")
    assert_safe_page(anonymous.post("/accounts/login/", {"username": MARKERS[0]}), "bad login")
    forbidden = client_for("viewer").post("/connectors/refresh/")
    assert forbidden.status_code == 403
    assert_safe_page(forbidden, "403")
    assert_safe_page(client_for("viewer").get("/connectors/nope/"), "404")


def test_editor_post_answers_are_clean(world, client_for):
    for response in post_pages(client_for("editor"), world):
        assert_safe_page(response, response.wsgi_request.path)


def test_hostile_connector_renders_as_text(world, client_for):
    client = client_for("viewer")
    detail = assert_safe_page(client.get(f"/connectors/{HOSTILE_UUID}/"), "detail")
    # Escaped, not dropped: the operator must see what Powens sent.
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in detail
    links = [a["href"] for a in scan_html(detail).external_links]
    assert any(link.startswith("https://bank.example/") for link in links)
    # Template syntax in data is shown, never evaluated.
    assert TEMPLATE in detail
    # The non-web URLs are still shown, as text.
    assert JS_URL in detail
    listing = assert_safe_page(client.get("/connectors/?q=Bank"), "list")
    assert "&lt;script&gt;" in listing


def test_ten_thousand_character_values_do_not_break_pages(world, client_for):
    client = client_for("viewer")
    for url in (f"/connectors/{HOSTILE_UUID}/", "/connectors/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.content) < 2_000_000
    assert LONG[:200] in client.get(f"/connectors/{HOSTILE_UUID}/").content.decode()


def test_csv_exports_carry_hostile_text_inertly(world, client_for):
    client = client_for("viewer")
    for url in csv_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body), delimiter=";" if "excel" in url else ","))
        cells = [cell for row in rows[1:] for cell in row]
        assert any("<script>" in cell for cell in cells) or "audit" in url, url
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], url
