"""Bad export parameters: never a silent change of what is exported, and every recorded export
can be re-run from its audit entry."""

from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, AuditEntry
from connectors_ui.exports.reports import QUERY_STRING_MAX
from tests.exports.conftest import body_of

CATALOGUE_URLS = ["/connectors/export.csv", "/connectors/fields.csv", "/connectors/sources.csv"]


def exports() -> int:
    return AuditEntry.objects.filter(action=Action.EXPORT).count()


@pytest.mark.parametrize("url", CATALOGUE_URLS)
@pytest.mark.parametrize("ref", ["\x00", "f711dd7a\x00", "x" * 101, "no-such-connector"])
def test_an_invalid_or_unknown_connector_is_not_found(small_catalogue, viewer_client, url, ref):
    """Not the whole catalogue: that would be a different file under the same name."""
    response = viewer_client.get(url, {"connector": ref})
    assert response.status_code == 404
    assert exports() == 0


def test_one_connector_still_exports(small_catalogue, viewer_client):
    uuid = small_catalogue[0]["uuid"]
    body = body_of(viewer_client.get("/connectors/export.csv", {"connector": uuid}))
    assert body.count(b"\r\n") == 2 and uuid.encode() in body


def test_ignored_filters_are_recorded_with_the_export(small_catalogue, viewer_client):
    body_of(viewer_client.get("/connectors/export.csv?state=bogus&pay=maybe&q=bnp"))
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    ignored = entry.details["ignored"]
    assert len(ignored) == 2 and all("bogus" in m or "maybe" in m for m in ignored), ignored
    assert entry.details["query_string"] == "state=bogus&pay=maybe&q=bnp"


def test_ignored_audit_filters_are_recorded_too(small_catalogue, viewer_client):
    body_of(viewer_client.get("/audit/export.csv?outcome=bogus"))
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    [message] = entry.details["ignored"]
    assert "bogus" in message


def test_a_clean_export_records_nothing_ignored(small_catalogue, viewer_client):
    body_of(viewer_client.get("/connectors/export.csv?q=bnp"))
    assert "ignored" not in AuditEntry.objects.get(action=Action.EXPORT).details


@pytest.mark.parametrize("url", [*CATALOGUE_URLS, "/audit/export.csv"])
def test_a_query_string_too_long_to_record_is_refused(small_catalogue, viewer_client, url):
    query = urlencode({"q": "b" * (QUERY_STRING_MAX - 1)})
    response = viewer_client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert f"at most {QUERY_STRING_MAX} characters" in response.content.decode()
    assert exports() == 0


def test_the_longest_recordable_query_string_is_kept_whole(small_catalogue, viewer_client):
    query = "q=" + "b" * (QUERY_STRING_MAX - 2)
    assert len(query) == QUERY_STRING_MAX
    body_of(viewer_client.get(f"/audit/export.csv?{query}"))
    assert AuditEntry.objects.get(action=Action.EXPORT).details["query_string"] == query


def test_the_command_refuses_a_bad_connector(small_catalogue, tmp_path):
    with pytest.raises(CommandError, match="No such connector"):
        call_command("export_report", "connectors", "--output", str(tmp_path / "x.csv"),
                     "--connector", "x" * 101)  # fmt: skip
    assert exports() == 0


def test_the_command_refuses_a_query_string_too_long_to_record(small_catalogue, tmp_path):
    with pytest.raises(CommandError, match=f"at most {QUERY_STRING_MAX} characters"):
        call_command("export_report", "connectors", "--output", str(tmp_path / "x.csv"),
                     "--q", "b" * QUERY_STRING_MAX)  # fmt: skip
    assert exports() == 0
