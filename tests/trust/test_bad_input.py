"""Bad user input gets a clear message or a 4xx, never a 500, never a partial write."""

import pytest
from django.test import Client

from audit.models import AuditEntry, Outcome
from tests.trust.support import local_state, sandbox_state

BAD_REFS = [
    "not-a-uuid",
    "0bad0bad-0bad-4bad-8bad",
    "f711dd7a-6289-5bda-b3a4-f2febda8c04Z",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "<script>",
    "9" * 40,
    "-1",
    "x" * 2000,
]


@pytest.fixture
def editor(small_catalogue, client_for) -> Client:
    return client_for("editor", raise_request_exception=False)


@pytest.mark.parametrize("ref", BAD_REFS)
def test_malformed_connector_references(editor, ref):
    before = sandbox_state()
    assert editor.get(f"/connectors/{ref}/").status_code == 404
    assert editor.get(f"/audit/connectors/{ref}/history/").status_code == 404
    response = editor.post(f"/connectors/{ref}/state/", {"enabled": "0", "reason": "x"})
    assert response.status_code == 404
    assert editor.post(f"/connectors/{ref}/sources/1/state/", {"reason": "x"}).status_code == 404
    assert editor.get(f"/changes/batch/{ref}/").status_code == 404
    assert editor.get(f"/audit/batches/{ref}/").status_code == 404
    assert sandbox_state() == before


@pytest.mark.parametrize("size", [10_000, 100_000])
def test_huge_query_strings(editor, size):
    big = "a" * size
    for url in (
        f"/connectors/?q={big}",
        f"/connectors/?country={big}&sort={big}&page={big}",
        f"/audit/?q={big}&actor={big}&date_from={big}",
        f"/connectors/export.csv?q={big}",
        f"/audit/export.csv?connector={big}",
    ):
        response = editor.get(url)
        assert response.status_code in (200, 400), (url[:40], response.status_code)


def test_unknown_filter_values_say_so(editor):
    page = editor.get("/connectors/?country=zz&state=bogus&sort=nope&page=x&beta=maybe&zzz=1")
    text = page.content.decode()
    assert page.status_code == 200
    assert "No connector has country “zz”: filter ignored." in text
    assert "Unknown sort “nope”: sorted by name." in text
    audit = editor.get("/audit/?outcome=bogus&date_from=2020-13-45&batch=not-a-uuid&page=-3")
    assert audit.status_code == 200
    text = audit.content.decode()
    assert "Outcome: “bogus” is not an outcome" in text
    assert "From: “2020-13-45” is not a date; write it as YYYY-MM-DD." in text
    assert "Batch id: “not-a-uuid” is not a batch id" in text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"enabled": "yes", "seen_hidden": "maybe", "reason": "x"},
        {"enabled": ["0", "1"], "seen_hidden": "0", "reason": "x"},
        {"enabled": "0", "seen_hidden": "0", "reason": ""},
        {"enabled": "0", "seen_hidden": "0", "reason": " " * 50},
        {"enabled": "0", "seen_hidden": "0", "reason": "r" * 5000},
        {"enabled": "\x00", "seen_hidden": "0", "reason": "\x00"},
    ],
)
def test_wrong_types_in_the_connector_form_are_refused_on_the_record(editor, small_catalogue, data):
    before, local = sandbox_state(), local_state()
    uuid = small_catalogue[0]["uuid"]
    response = editor.post(f"/connectors/{uuid}/state/", data)
    assert response.status_code in (200, 302, 400)
    assert sandbox_state() == before and local_state() == local
    entry = AuditEntry.objects.latest("seq")
    assert entry.outcome == Outcome.REFUSED and entry.error_code == "invalid"


@pytest.mark.parametrize(
    "data",
    [
        {"enabled": "0", "uuids": ["not-a-uuid"], "selection": "not-a-uuid,", "reason": "x"},
        {"enabled": "0", "selection": ",,," * 5000, "reason": "x"},
        {"enabled": "0", "uuids": [], "reason": "x"},
        {"enabled": "x", "uuids": ["0bad0bad-0bad-4bad-8bad-0bad0bad0bad"], "reason": "x"},
        {"enabled": "0", "reason": "x", "confirm_count": "many"},
        {"enabled": "0", "select_all": "1", "query": "country=zz&" + "q=" * 3000},
    ],
)
def test_wrong_batch_input_never_writes(editor, data):
    before = sandbox_state()
    for url in ("/changes/batch/preview/", "/changes/batch/apply/"):
        response = editor.post(url, data)
        assert response.status_code in (200, 302, 400), (url, response.status_code)
    assert sandbox_state() == before


def test_an_unknown_fragment_name_falls_back_to_the_detail_page(editor, small_catalogue):
    uuid = small_catalogue[0]["uuid"]
    data = {"enabled": "0", "seen_hidden": "0", "reason": "x", "where": "<evil>"}
    response = editor.post(f"/connectors/{uuid}/state/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/connectors/{uuid}/"
    assert sandbox_state()["connectors"][uuid] is True


def test_source_ids_that_do_not_fit(editor, small_catalogue):
    uuid = small_catalogue[0]["uuid"]
    for source_id in ("99999999999999999999999", "0", "4"):
        response = editor.post(f"/connectors/{uuid}/sources/{source_id}/state/", {"reason": "x"})
        assert response.status_code == 404


def test_missing_csrf_token_is_refused_without_writing(small_catalogue, client_for):
    client = client_for("editor", enforce_csrf_checks=True)
    before, entries = sandbox_state(), AuditEntry.objects.count()
    uuid = small_catalogue[0]["uuid"]
    posts = [
        (f"/connectors/{uuid}/state/", {"enabled": "0", "seen_hidden": "0", "reason": "x"}),
        ("/changes/batch/apply/", {"enabled": "0", "selection": uuid, "reason": "x"}),
        ("/connectors/refresh/", {}),
        ("/accounts/logout/", {}),
        ("/accounts/password_change/", {"old_password": "x"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "CSRF" in response.content.decode()
    assert sandbox_state() == before and AuditEntry.objects.count() == entries
    login = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert login.status_code == 403


def test_wrong_methods_and_content_types(editor, small_catalogue):
    uuid = small_catalogue[0]["uuid"]
    assert editor.get(f"/connectors/{uuid}/state/").status_code == 405
    response = editor.post(
        f"/connectors/{uuid}/state/", data=b"\xff\xfe{not json", content_type="application/json"
    )
    assert response.status_code in (200, 302, 400)
    assert editor.post("/changes/batch/preview/", data="x" * 10, content_type="text/plain")


@pytest.mark.parametrize(
    "target", ["0", "connector_list", "//evil.example/", "https://evil.example/"]
)
def test_next_parameters_that_are_not_local_paths_fall_back(editor, small_catalogue, target):
    """``next=0`` once reached redirect() as a view name: NoReverseMatch, a 500."""
    refresh = editor.post("/connectors/refresh/", {"next": target})
    assert refresh.status_code == 302 and refresh["Location"] == "/connectors/"
    uuid = small_catalogue[0]["uuid"]
    data = {"enabled": "0", "seen_hidden": "0", "reason": "x", "next": target}
    change = editor.post(f"/connectors/{uuid}/state/", data)
    assert change.status_code == 302 and change["Location"] == f"/connectors/{uuid}/"


@pytest.mark.parametrize("ref", ["¹", "²³", "①", "١٢"])
def test_unicode_digits_in_references_and_searches(editor, ref):
    """Found by hypothesis: "¹".isdigit() is True but int("¹") fails (was a 500)."""
    assert editor.get(f"/connectors/{ref}/").status_code in (302, 404)
    assert editor.get(f"/connectors/?q={ref}").status_code in (200, 302)
