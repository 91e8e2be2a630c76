"""Tasks for the worker tests (importable by a worker process, as real jobs are)."""

from django.contrib.auth import get_user_model
from django.tasks import task

from connectors_ui.changes import connector_set_enabled

RUNS: list[str] = []


@task
def note_run() -> str:
    """A periodic job whose runs the in-process tests count."""
    RUNS.append("ran")
    return "ran"


@task
def failing_job() -> None:
    raise RuntimeError("boom")


@task
def disable_connector(*, uuid: str, username: str, reason: str) -> str:
    """A write to Powens through the one pipeline, as a scheduled step makes: the test kills
    the worker while Powens is slow to answer it."""
    actor = get_user_model().objects.get(username=username)
    result = connector_set_enabled(
        actor=actor, uuid=uuid, enabled=False, reason=reason, seen_hidden=False, request_meta=None
    )
    return str(result.outcome)
