"""Dates and numbers at their bounds (issue 10): a clear message or a 404, never a 500.

``/audit/?date_to=9999-12-31`` overflowed (the day after it is no date) in the page, the audit
CSV and ``export_report audit``. Swept for the same class: every date and number a user can
type (the audit log's dates, page numbers, connector and entry ids, export command options),
drawn across the whole calendar and far past 64 bits.
"""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audit.forms import DATE_MAX, DATE_MIN, AuditFilterForm
from audit.models import Action, AuditEntry
from tests.exports.conftest import body_of

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Python's calendar ends, what a date picker allows past it, and what no parser takes.
date_texts = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "10000-01-01", "0000-01-01", "275760-09-13"]),
)
BOUNDARY_INTEGERS = [0, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]
integers = st.one_of(
    st.sampled_from(BOUNDARY_INTEGERS).map(str),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.integers(min_value=4301, max_value=5000).map("9".__mul__),  # past int()'s digit limit
)


def test_the_last_day_of_the_calendar_is_said_in_words(viewer_client, db):
    page = viewer_client.get("/audit/?date_to=9999-12-31").content.decode()
    assert f"after {DATE_MAX}, the last day the log can search" in page
    assert f'max="{DATE_MAX}"' in page and f'min="{DATE_MIN}"' in page
    export = viewer_client.get("/audit/export.csv?date_to=9999-12-31")
    assert export.status_code == 200 and body_of(export).startswith(b"entry_id,")
    [recorded] = AuditEntry.objects.get(action=Action.EXPORT).details["ignored"]
    assert "9999-12-31" in recorded


@pytest.mark.parametrize("option", ["--date-to", "--date-from"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_export_report_fails_with_the_message(db, tmp_path, option, day):
    output = tmp_path / "audit.csv"
    with pytest.raises(CommandError, match=f"“{day}” is (after|before)"):
        call_command("export_report", "audit", "--output", str(output), option, day)
    assert not output.exists()


def test_the_first_and_last_searchable_days_work(viewer_client, db):
    query = {"date_from": DATE_MIN.isoformat(), "date_to": DATE_MAX.isoformat()}
    form = AuditFilterForm(query)
    assert form.is_valid(), form.errors
    assert viewer_client.get("/audit/", query).status_code == 200


@SETTINGS
@given(date_from=date_texts, date_to=date_texts, htmx=st.booleans())
@example(date_from="", date_to="9999-12-31", htmx=False)
@example(date_from="0001-01-01", date_to="", htmx=True)
def test_audit_dates_never_fail(viewer_client, db, date_from, date_to, htmx):
    query = urlencode({"date_from": date_from, "date_to": date_to})
    headers = {"HX-Request": "true"} if htmx else {}
    assert viewer_client.get(f"/audit/?{query}", headers=headers).status_code == 200
    assert viewer_client.get(f"/audit/export.csv?{query}").status_code == 200


@SETTINGS
@given(day=date_texts, option=st.sampled_from(["--date-from", "--date-to"]))
def test_export_report_dates_write_or_refuse(db, tmp_path_factory, day, option):
    output = tmp_path_factory.mktemp("report") / "audit.csv"
    try:
        call_command("export_report", "audit", "--output", str(output), option, day)
    except CommandError as error:
        assert f"“{day}”" in str(error) and not output.exists()
    else:
        assert output.read_bytes().startswith(b"entry_id,")


@SETTINGS
@given(number=integers)
def test_page_numbers_never_fail(small_catalogue, viewer_client, number):
    for url in ("/connectors/", "/audit/"):
        assert viewer_client.get(url, {"page": number}).status_code == 200, url
    # 400: a query string too long to record with the export.
    for url in ("/connectors/export.csv", "/audit/export.csv"):
        assert viewer_client.get(url, {"page": number}).status_code in (200, 400), url


@SETTINGS
@given(number=integers)
def test_ids_never_fail(small_catalogue, viewer_client, number):
    assert viewer_client.get(f"/connectors/{number}/").status_code in (302, 404)
    assert viewer_client.get(f"/audit/{number}/").status_code in (200, 404)
    export = viewer_client.get("/connectors/sources.csv", {"connector": number})
    assert export.status_code in (200, 400, 404)
    assert viewer_client.get("/connectors/", {"q": number}).status_code in (200, 302)
    assert viewer_client.get("/audit/", {"connector": number}).status_code == 200


@SETTINGS
@given(number=integers)
def test_export_report_connector_ids_write_or_refuse(small_catalogue, tmp_path_factory, number):
    output = tmp_path_factory.mktemp("report") / "sources.csv"
    try:
        call_command("export_report", "sources", "--output", str(output), "--connector", number)
    except CommandError as error:
        assert "onnector" in str(error) or "too long" in str(error)
        assert not output.exists()
