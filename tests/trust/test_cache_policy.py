"""What browsers may cache (issue 10): every page names the htmx headers it varies on, a
signed-in user's pages are never stored, and views with their own policy keep it.

Without ``Vary: HX-Request`` the fragment htmx fetched for a URL was served by Back as that
URL's page (tests/browser/test_back_forward.py shows it in chromium).
"""

import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

from tests.trust import test_access_matrix as matrix
from tests.trust.support import route_kwargs

# The access matrix's routes and its world (a catalogue, a batch, an entry) to fill them in.
world = matrix.world

HTMX = {"HX-Request": "true", "HX-Target": "results-table"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
VARIES_ON = ("HX-Request", "HX-History-Restore-Request", "HX-Target")
PAGES = sorted(route for route, access in matrix.MATRIX.items() if access.get and not access.public)


def _url(route: str, kwargs: dict) -> str:
    [match] = [r for r in matrix.dashboard_routes() if r.route == route]
    if not match.reverse_name:
        return "/" + route
    return reverse(match.reverse_name, kwargs={k: kwargs[k] for k in route_kwargs(match)})


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.parametrize("headers", [{}, HTMX, HISTORY_RESTORE], ids=["page", "htmx", "restore"])
@pytest.mark.parametrize("route", PAGES, ids=lambda r: r or "root")
def test_every_signed_in_answer_varies_on_htmx_and_is_never_stored(
    route, headers, world, viewer_client, editor_client
):
    # Each page as the weakest role that may open it (the revert previews are editors').
    client = editor_client if matrix.MATRIX[route].get == matrix.E else viewer_client
    response = client.get(_url(route, world["kwargs"]), headers=headers)
    assert response.status_code in (200, 302)
    for header in VARIES_ON:
        assert has_vary_header(response, header), (route, header, response.get("Vary"))
    assert "no-store" in _directives(response), (route, response.get("Cache-Control"))


def test_the_list_page_and_its_fragment_say_why_they_differ(viewer_client, small_catalogue):
    page = viewer_client.get("/connectors/?country=fr")
    fragment = viewer_client.get("/connectors/?country=fr", headers=HTMX)
    assert "<html" in page.content.decode() and "<html" not in fragment.content.decode()
    for response in (page, fragment):
        assert has_vary_header(response, "HX-Request") and has_vary_header(response, "Cookie")
        assert response["Cache-Control"] == "no-store"


def test_exports_keep_their_own_private_no_store(viewer_client, small_catalogue):
    response = viewer_client.get("/connectors/export.csv")
    assert response["Cache-Control"] == "private, no-store"
    b"".join(response.streaming_content)


def test_health_keeps_never_cache(anon_client):
    response = anon_client.get("/health/")
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= _directives(response)


def test_static_files_keep_their_caching(viewer_client):
    response = viewer_client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert not has_vary_header(response, "HX-Request")
    b"".join(response.streaming_content)


def test_anonymous_pages_vary_but_are_left_to_their_views(anon_client):
    response = anon_client.get("/accounts/login/")
    assert has_vary_header(response, "HX-Request")
