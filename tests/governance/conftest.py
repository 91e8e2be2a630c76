"""Fixtures for governance tests: the small sandbox mirrored locally (as for changes), a domain
whose policy needs approval, and short ways to propose and to schedule."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from governance.models import ChangeRequest
from governance.proposals import Schedule, Wish, change_request_propose
from tests.changes.conftest import bnp, local_copy  # noqa: F401  (fixtures)

Kind = ChangeRequest.Kind


@pytest.fixture
def approval_domain(settings: Any) -> None:
    """The embedded sandbox's domain ("demo-sandbox") needs approval."""
    settings.CHANGE_APPROVAL_POLICY = {"demo-sandbox": "approval"}


@pytest.fixture
def other_editor(make_user: Any) -> Any:
    return make_user("editor", username="second-editor")


def propose_disable(actor: Any, connector: dict[str, Any], **options: Any) -> ChangeRequest:
    """``actor`` proposes disabling ``connector`` (a sandbox dict) from a page showing it
    enabled; ``source_id`` for one of its sources, ``schedule`` to schedule it."""
    source_id = options.pop("source_id", None)
    return change_request_propose(
        actor=actor,
        kind=Kind.CONNECTOR if source_id is None else Kind.SOURCE,
        wishes=[Wish(connector["uuid"], True, False, source_id)],
        reason=options.pop("reason", "bank outage"),
        request_meta=None,
        **options,
    )


def propose_batch(
    actor: Any, uuids: list[str], *, off: bool = True, **options: Any
) -> ChangeRequest:
    return change_request_propose(
        actor=actor,
        kind=Kind.BATCH,
        wishes=[Wish(uuid, off) for uuid in uuids],
        reason=options.pop("reason", "maintenance"),
        request_meta=None,
        confirm_count=len(uuids),
        **options,
    )


def window(start_in: timedelta, length: timedelta, zone: str = "UTC") -> Schedule:
    start = timezone.now() + start_in
    return Schedule(start, start + length, zone)


def at(start_in: timedelta) -> Schedule:
    return Schedule(timezone.now() + start_in)


def later(moment: datetime, seconds: float = 1) -> datetime:
    return moment + timedelta(seconds=seconds)
