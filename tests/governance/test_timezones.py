"""Times typed in a zone, stored in UTC, across daylight-saving changes: the next spring-forward
and fall-back in Europe/Paris (found from today, so the test never ages)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from governance.forms import ScheduleForm
from governance.models import ScheduledStep
from governance.schedules import scheduled_steps_run_due
from governance.timezones import SESSION_KEY, LocalTimeError, local_label, to_utc, zone_names
from sandbox.backend import get_connector
from tests.governance.conftest import propose_disable

PARIS = ZoneInfo("Europe/Paris")


def _next_change(spring: bool) -> date:
    """The next day Paris moves its clocks forward (``spring``) or back."""
    day = timezone.now().astimezone(PARIS).date() + timedelta(days=1)
    for _ in range(400):
        before = datetime.combine(day, datetime.min.time(), PARIS).utcoffset()
        after = datetime.combine(day + timedelta(days=1), datetime.min.time(), PARIS).utcoffset()
        if before != after and (after > before) == spring:  # type: ignore[operator]
            return day
        day += timedelta(days=1)
    raise AssertionError("no DST change within a year")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def test_times_around_the_spring_change_map_to_the_right_instants():
    day = _next_change(spring=True)
    assert to_utc(_at(day, 1, 30), "Europe/Paris") == datetime.combine(
        day, datetime.min.time(), UTC
    ) + timedelta(minutes=30)
    assert to_utc(_at(day, 3, 30), "Europe/Paris").hour == 1  # 03:30 CEST = 01:30 UTC
    with pytest.raises(LocalTimeError, match="does not exist in Europe/Paris"):
        to_utc(_at(day, 2, 30), "Europe/Paris")


def test_a_time_the_autumn_change_repeats_is_a_question_not_a_guess():
    day = _next_change(spring=False)
    with pytest.raises(LocalTimeError, match="happens twice"):
        to_utc(_at(day, 2, 30), "Europe/Paris")
    assert to_utc(_at(day, 3, 30), "Europe/Paris").hour == 2  # 03:30 CET = 02:30 UTC


def test_labels_name_the_zone_and_its_offset_on_each_side():
    day = _next_change(spring=True)
    before, after = to_utc(_at(day, 1), "Europe/Paris"), to_utc(_at(day, 4), "Europe/Paris")
    assert local_label(before, "Europe/Paris").endswith("01:00 CET, Europe/Paris (00:00 UTC)")
    assert local_label(after, "Europe/Paris").endswith("04:00 CEST, Europe/Paris (02:00 UTC)")
    assert local_label(after, "UTC").endswith("02:00 UTC")


def test_the_form_refuses_a_skipped_time_and_stores_a_window_in_utc():
    day = _next_change(spring=True)
    fields = {"target": "connector", "enabled": "0", "when": "window", "reason": "maintenance"}
    fields |= {"time_zone": "Europe/Paris"}
    gap = ScheduleForm({**fields, "starts_at": f"{day}T02:30", "ends_at": f"{day}T04:00"})
    assert gap.schedule() is None and "does not exist" in str(gap.errors["starts_at"])
    form = ScheduleForm({**fields, "starts_at": f"{day}T01:00", "ends_at": f"{day}T04:00"})
    schedule = form.schedule()
    assert schedule is not None
    assert schedule.ends_at - schedule.starts_at == timedelta(hours=2)  # not 3: an hour skipped
    assert schedule.starts_at.tzinfo is not None and schedule.time_zone == "Europe/Paris"


def test_a_window_across_the_spring_change_runs_at_the_true_instants(editor_user, bnp):
    day = _next_change(spring=True)
    form = ScheduleForm(
        {
            "target": "connector",
            "enabled": "0",
            "when": "window",
            "reason": "maintenance",
            "time_zone": "Europe/Paris",
            "starts_at": f"{day}T01:00",
            "ends_at": f"{day}T04:00",
        }
    )
    request = propose_disable(editor_user, bnp, schedule=form.schedule())
    start, end = request.steps.order_by("due_at")
    assert start.due_at == datetime.combine(day, datetime.min.time(), UTC)  # 00:00 UTC
    assert "CET" in request.summary and "CEST" in request.summary
    scheduled_steps_run_due(now=start.due_at)
    assert get_connector(bnp["uuid"])["hidden"] is True
    assert scheduled_steps_run_due(now=end.due_at - timedelta(minutes=1)) == []
    [ended] = scheduled_steps_run_due(now=end.due_at)
    assert ended.status == ScheduledStep.Status.DONE
    assert get_connector(bnp["uuid"])["hidden"] is False


def test_the_schedule_form_offers_every_zone_with_the_chosen_one_selected(
    editor_client, local_copy
):
    """The options are built once per chosen zone (``zone_options``), not by the page's loop:
    still every zone, one selected, and another visitor's choice is theirs."""
    url = f"/connectors/{local_copy[0]['uuid']}/"
    session = editor_client.session
    session[SESSION_KEY] = "Asia/Tokyo"
    session.save()
    page = editor_client.get(url).content.decode()
    select = page[page.index('<select id="schedule-zone"') :].split("</select>")[0]
    assert select.count("<option ") == len(zone_names())
    assert select.count(" selected") == 1 and '<option value="Asia/Tokyo" selected>' in select
    session[SESSION_KEY] = "Europe/Paris"
    session.save()
    again = editor_client.get(url).content.decode()
    assert '<option value="Europe/Paris" selected>' in again
    assert '<option value="Asia/Tokyo" selected>' not in again
