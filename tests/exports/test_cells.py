"""Cell safety: what a spreadsheet would run as a formula is neutralised, numbers are not."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from connectors_ui.exports.cells import as_json, boolean, iso_datetime, joined, number, text


@pytest.mark.parametrize(
    "value",
    ["=1+2", '=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "+"],
)
def test_formula_starts_get_a_quote(value):
    assert text(value) == "'" + value


@pytest.mark.parametrize("value", ["-12.5", "+7", "-3", "1e5", "-.5", "42"])
def test_numeric_text_stays_as_is(value):
    assert text(value) == value


@pytest.mark.parametrize("value", [-12.5, -3, 0, 10**12, 4000.0])
def test_numbers_stay_numbers(value):
    assert number(value) == value and type(number(value)) is type(value)


def test_odd_values_in_number_columns_are_neutralised_text():
    assert number("=1") == "'=1"
    assert number(True) == "True"
    assert number(None) == ""


def test_plain_and_non_latin_text_unchanged():
    assert text("Εθνική Τράπεζα") == "Εθνική Τράπεζα"
    assert text("a=b") == "a=b"
    assert text(None) == ""


def test_dates_are_iso_8601_utc_with_z():
    paris = timezone(timedelta(hours=2))
    assert iso_datetime(datetime(2024, 3, 1, 11, 12, 44, 123, tzinfo=paris)) == (
        "2024-03-01T09:12:44Z"
    )
    assert iso_datetime(datetime(2024, 3, 1, 9, 12, 44, tzinfo=UTC)) == "2024-03-01T09:12:44Z"
    assert iso_datetime(None) == ""


def test_lists_booleans_json():
    assert joined(["fr", "de"]) == "fr|de"
    assert joined(["=x", "y"]) == "'=x|y"
    assert joined([{"odd": 1}, "ok", 3]) == "ok|3"
    assert joined(None) == "" and joined("=solo") == "'=solo"
    assert boolean(True) == "true" and boolean(0) == "false" and boolean(None) == ""
    assert as_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
    assert as_json(None) == ""
