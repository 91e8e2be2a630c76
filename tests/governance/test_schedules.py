"""Scheduled changes and maintenance windows, with controlled time (``now`` passed to the
runner): steps run at their time and not before, a changed target is skipped and recorded, a
window's end restores only what its start changed, the approval policy applies, cancel, and the
task wrappers on Django's ImmediateBackend."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone

from audit.models import Action, AuditEntry, Outcome
from audit.refusals import ChangeInvalid
from governance.models import ChangeRequest, ScheduledStep
from governance.requests import change_request_approve
from governance.schedules import INTERRUPTED, scheduled_change_cancel, scheduled_steps_run_due
from governance.tasks import change_requests_expire_task, scheduled_steps_run_due_task
from sandbox.backend import get_connector, get_source, set_connector_hidden, set_source_disabled
from tests.governance.conftest import at, propose_batch, propose_disable, window

Step = ScheduledStep.Status
HOUR = timedelta(hours=1)


def _statuses(request: ChangeRequest) -> list[str]:
    return list(request.steps.order_by("due_at").values_list("status", flat=True))


def test_an_at_step_runs_at_its_time_and_not_before(editor_user, bnp):
    request = propose_disable(editor_user, bnp, schedule=at(HOUR))
    assert request.status == ChangeRequest.Status.DIRECT and not request.approval_required
    step = request.steps.get()
    assert scheduled_steps_run_due(now=step.due_at - timedelta(seconds=1)) == []
    assert get_connector(bnp["uuid"])["hidden"] is False
    [ran] = scheduled_steps_run_due(now=step.due_at)
    assert ran.status == Step.DONE and get_connector(bnp["uuid"])["hidden"] is True
    write = AuditEntry.objects.get(action=Action.CONNECTOR_DISABLE)
    assert write.actor_username == "editor-user"  # acts as whoever scheduled it
    assert write.details["step"] == step.pk and write.details["approval"] == "not required"
    assert AuditEntry.objects.get(action=Action.STEP_RUN).actor_username == "scheduler"
    assert scheduled_steps_run_due(now=step.due_at + HOUR) == []  # runs once


def test_a_window_disables_a_source_and_restores_it_at_its_end(editor_user, bnp):
    request = propose_disable(editor_user, bnp, source_id=101, schedule=window(HOUR, 2 * HOUR))
    start, end = request.steps.order_by("due_at")
    scheduled_steps_run_due(now=start.due_at)
    assert get_source(bnp["uuid"], 101)["disabled"] is not None
    assert request.targets.get().changed_by_start
    scheduled_steps_run_due(now=end.due_at)
    assert get_source(bnp["uuid"], 101)["disabled"] is None
    assert _statuses(request) == [Step.DONE, Step.DONE]
    assert [e.action for e in AuditEntry.objects.filter(source_id=101).order_by("seq")] == [
        Action.SCHEDULE_CREATE,
        Action.SOURCE_DISABLE,
        Action.STEP_RUN,
        Action.SOURCE_ENABLE,
        Action.STEP_RUN,
    ]


def test_a_target_changed_meanwhile_is_skipped_and_recorded_not_forced(editor_user, bnp):
    request = propose_disable(editor_user, bnp, schedule=window(HOUR, HOUR))
    start, end = request.steps.order_by("due_at")
    set_connector_hidden(bnp["uuid"], True)  # disabled in the Powens console meanwhile
    [ran] = scheduled_steps_run_due(now=start.due_at)
    assert ran.status == Step.SKIPPED
    refused = AuditEntry.objects.get(action=Action.CONNECTOR_DISABLE)
    assert (refused.outcome, refused.error_code) == (Outcome.REFUSED, "stale")
    assert AuditEntry.objects.get(action=Action.STEP_SKIP).details["step"] == start.pk
    # Its end has nothing to restore: it must not enable what someone else disabled.
    [ended] = scheduled_steps_run_due(now=end.due_at)
    assert ended.status == Step.SKIPPED and "changed nothing" in ended.note
    assert get_connector(bnp["uuid"])["hidden"] is True


def test_a_window_end_restores_only_what_its_start_changed(editor_user, local_copy):
    uuids = [local_copy[i]["uuid"] for i in (0, 1, 3)]
    request = propose_batch(editor_user, uuids, schedule=window(HOUR, HOUR))
    start, end = request.steps.order_by("due_at")
    set_connector_hidden(uuids[1], True)  # changed before the window: not the window's doing
    scheduled_steps_run_due(now=start.due_at)
    assert start.__class__.objects.get(pk=start.pk).status == Step.DONE
    assert set(
        request.targets.filter(changed_by_start=True).values_list("connector_uuid", flat=True)
    ) == {
        uuids[0],
        uuids[2],
    }
    set_connector_hidden(uuids[2], False)  # enabled again by hand during the window
    [ended] = scheduled_steps_run_due(now=end.due_at)
    assert ended.result["counts"] == {"succeeded": 1, "skipped": 1}
    assert [get_connector(u)["hidden"] for u in uuids] == [False, True, False]


def test_in_an_approval_domain_a_schedule_waits_for_approval(
    approval_domain, editor_user, other_editor, bnp
):
    request = propose_disable(editor_user, bnp, schedule=at(HOUR))
    assert request.status == ChangeRequest.Status.OPEN and request.approval_required
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    [ran] = scheduled_steps_run_due(now=request.steps.get().due_at)
    assert ran.status == Step.DONE and get_connector(bnp["uuid"])["hidden"] is True
    assert AuditEntry.objects.get(action=Action.CONNECTOR_DISABLE).details["approval"] == "approved"


def test_unapproved_at_its_time_a_step_is_skipped_and_the_request_expires(
    approval_domain, editor_user, bnp
):
    request = propose_disable(editor_user, bnp, schedule=window(HOUR, HOUR))
    start, end = request.steps.order_by("due_at")
    scheduled_steps_run_due(now=end.due_at)
    assert _statuses(request) == [Step.SKIPPED, Step.SKIPPED]
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.EXPIRED
    assert get_connector(bnp["uuid"])["hidden"] is False


def test_cancel_stops_the_steps_to_come(editor_user, other_editor, bnp):
    request = propose_disable(editor_user, bnp, schedule=window(HOUR, HOUR))
    start, end = request.steps.order_by("due_at")
    scheduled_steps_run_due(now=start.due_at)
    with pytest.raises(ChangeInvalid, match="reason"):
        scheduled_change_cancel(actor=other_editor, change=request, reason="", request_meta=None)
    assert (
        scheduled_change_cancel(
            actor=other_editor, change=request, reason="bank is back", request_meta=None
        )
        == 1
    )
    assert _statuses(request) == [Step.DONE, Step.CANCELLED]
    assert scheduled_steps_run_due(now=end.due_at) == []
    cancels = AuditEntry.objects.filter(action=Action.SCHEDULE_CANCEL).order_by("seq")
    assert [(e.outcome, e.reason) for e in cancels] == [
        (Outcome.REFUSED, ""),
        (Outcome.SUCCEEDED, "bank is back"),
    ]


def test_a_start_in_the_past_or_a_window_ending_before_it_starts_is_refused(editor_user, bnp):
    with pytest.raises(ChangeInvalid, match="passed"):
        propose_disable(editor_user, bnp, schedule=at(-HOUR))
    with pytest.raises(ChangeInvalid, match="end after"):
        propose_disable(editor_user, bnp, schedule=window(HOUR, -HOUR / 2))
    assert not ChangeRequest.objects.exists()


def test_a_step_left_running_by_a_dead_worker_is_marked_failed_not_rerun(editor_user, bnp):
    request = propose_disable(editor_user, bnp, schedule=at(HOUR))
    step = request.steps.get()
    ScheduledStep.objects.filter(pk=step.pk).update(status=Step.RUNNING, started_at=step.due_at)
    scheduled_steps_run_due(now=step.due_at + timedelta(minutes=10))
    step.refresh_from_db()
    assert (step.status, step.note) == (Step.FAILED, INTERRUPTED)
    assert get_connector(bnp["uuid"])["hidden"] is False


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_the_task_wrappers_run_the_services(editor_user, local_copy, settings):
    bnp = local_copy[0]
    request = propose_disable(editor_user, bnp, schedule=at(timedelta(seconds=1)))
    ScheduledStep.objects.filter(request=request).update(due_at=timezone.now())
    result = scheduled_steps_run_due_task.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 1
    assert get_connector(bnp["uuid"])["hidden"] is True
    settings.CHANGE_APPROVAL_POLICY = {"demo-sandbox": "approval"}
    open_request = propose_disable(editor_user, local_copy[1])
    ChangeRequest.objects.filter(pk=open_request.pk).update(expires_at=timezone.now())
    expired = change_requests_expire_task.enqueue()
    assert expired.return_value == 1


def test_the_periodic_jobs_name_the_tasks(settings):
    from django.utils.module_loading import import_string

    for name in ("scheduled_steps_run_due", "change_requests_expire"):
        job = settings.PERIODIC_JOBS[name]
        assert import_string(job["task"]).name.endswith("_task") and job["every_seconds"] > 0


def test_source_window_keeps_a_source_disabled_by_hand(editor_user, bnp):
    """The start disabled it; someone re-disabled it at another date meanwhile: still off,
    so the end restores it (the plan's state is on/off, not the date)."""
    request = propose_disable(editor_user, bnp, source_id=103, schedule=window(HOUR, HOUR))
    start, end = request.steps.order_by("due_at")
    scheduled_steps_run_due(now=start.due_at)
    set_source_disabled(bnp["uuid"], 103, "2030-01-01 00:00:00")
    scheduled_steps_run_due(now=end.due_at)
    assert get_source(bnp["uuid"], 103)["disabled"] is None


def test_an_approved_window_is_applied_once_its_last_step_has_run(
    approval_domain, editor_user, other_editor, bnp, client
):
    """It used to stay "Approved" among the open requests forever, offering Reject and
    Withdraw on a change that had already run."""
    request = propose_disable(editor_user, bnp, schedule=window(HOUR, HOUR))
    change_request_approve(actor=other_editor, change=request, request_meta=None)
    start, end = request.steps.order_by("due_at")
    scheduled_steps_run_due(now=start.due_at)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED  # its end is still to come
    scheduled_steps_run_due(now=end.due_at)
    request.refresh_from_db()
    assert _statuses(request) == [Step.DONE, Step.DONE]
    assert request.status == ChangeRequest.Status.APPLIED and request.applied_at is not None
    client.force_login(other_editor)
    assert f"#{request.pk}" not in client.get("/changes/requests/").content.decode()
    page = client.get(f"/changes/requests/{request.pk}/").content.decode()
    assert "Reject</button>" not in page and "Withdraw</button>" not in page
