"""The audit log's invalid filters said in words (issue 10): each message names the filter,
quotes the value and says what to write, on the page, in the export's record and from
``export_report``; Django's own texts ("Enter a valid date.") never show."""

import pytest
from django.core.management import CommandError, call_command

from audit.forms import AuditFilterForm
from audit.models import Action, AuditEntry
from tests.exports.conftest import body_of

DJANGO_TEXTS = ("Enter a valid", "Select a valid choice", "Ensure this value")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2020-13-45"}, "From: “2020-13-45” is not a date; write it as YYYY-MM-DD."),
        ({"date_to": "yesterday"}, "To: “yesterday” is not a date; write it as YYYY-MM-DD."),
        (
            {"date_from": "2024-05-02", "date_to": "2024-05-01"},
            "To: the end date is before the start date.",
        ),
        (
            {"outcome": "bogus"},
            "Outcome: “bogus” is not an outcome; use pending, succeeded, failed, unknown or "
            "refused.",
        ),
        ({"action": "delete"}, "Action: “delete” is not an action the log records."),
        ({"actor": "mallory"}, "Actor: nobody called “mallory” appears in the log."),
        ({"batch": "42"}, "Batch id: “42” is not a batch id (batch ids are UUIDs)."),
        ({"sort": "up"}, "Sort: unknown sort “up”; use oldest, or nothing for newest first."),
        ({"q": "x" * 201}, "Search: at most 200 characters (this has 201)."),
    ],
)
def test_each_invalid_filter_is_said_in_words(viewer_client, db, query, message):
    assert AuditFilterForm(query).messages() == [message]
    page = viewer_client.get("/audit/", query).content.decode()
    assert f"{message} This filter is ignored." in page.replace("&quot;", '"')
    assert not any(text in page for text in DJANGO_TEXTS)


def test_a_long_value_is_quoted_short(db):
    [message] = AuditFilterForm({"outcome": "z" * 5000}).messages()
    assert message.startswith("Outcome: “" + "z" * 39 + "…”") and len(message) < 200


def test_the_export_records_the_words(viewer_client, db):
    body_of(viewer_client.get("/audit/export.csv", {"batch": "42", "outcome": "done"}))
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert sorted(entry.details["ignored"]) == [
        "Batch id: “42” is not a batch id (batch ids are UUIDs).",
        "Outcome: “done” is not an outcome; use pending, succeeded, failed, unknown or refused.",
    ]


def test_export_report_fails_with_the_words(db, tmp_path):
    with pytest.raises(CommandError, match="^From: “2020-13-45” is not a date; write it as"):
        call_command(
            "export_report", "audit", "-o", str(tmp_path / "a.csv"), "--date-from", "2020-13-45"
        )
