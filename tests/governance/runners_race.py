"""Two runners racing for the same due steps, several rounds: each step runs once.

Run by ``test_runner_race`` in this process on PostgreSQL, or as a script against a file
database on SQLite (``tests.trust.concurrency.scenario_report``)."""

from collections import Counter
from datetime import timedelta
from typing import Any

from tests.trust.concurrency import main, race, setup

ROUNDS = 5


def run_all() -> dict[str, Any]:
    from django.utils import timezone

    from audit.chain import chain_verify
    from audit.models import Action, AuditEntry
    from governance.models import ChangeRequest, ScheduledStep
    from governance.proposals import Schedule, Wish, change_request_propose
    from governance.schedules import scheduled_steps_run_due
    from sandbox.models import SandboxConnector

    world = setup()
    editor, uuid = world["editors"][0], world["uuid"]
    ran: Counter[str] = Counter()
    for number in range(ROUNDS):
        off = number % 2 == 0  # disable, then enable again, ...
        request = change_request_propose(
            actor=editor,
            kind=ChangeRequest.Kind.CONNECTOR,
            wishes=[Wish(uuid, off, not off)],
            reason="race",
            request_meta=None,
            schedule=Schedule(timezone.now() + timedelta(seconds=1)),
        )
        due = request.steps.get().due_at
        results = race([lambda due=due: scheduled_steps_run_due(now=due)] * 2)
        ran.update(str(len(r)) if isinstance(r, list) else repr(r) for r in results)
    steps = ScheduledStep.objects.all()
    return {
        "claims": _claims(request),
        "ran": dict(ran),  # "1": a runner ran the step, "0": it found it claimed
        "statuses": dict(Counter(steps.values_list("status", flat=True))),
        "writes": AuditEntry.objects.filter(connector_uuid=uuid)
        .exclude(outcome="refused")
        .filter(action__in=[Action.CONNECTOR_DISABLE, Action.CONNECTOR_ENABLE])
        .count(),
        "step_runs": AuditEntry.objects.filter(action=Action.STEP_RUN).count(),
        "hidden_at_end": SandboxConnector.objects.get(uuid=uuid).hidden,
        "chain_ok": chain_verify().ok,
    }


def _claims(request: Any) -> dict[str, int]:
    """Both runners claim the same step at the same instant, 20 times: winners per step."""
    from django.utils import timezone

    from governance.models import ScheduledStep
    from governance.schedules import step_claim

    winners: Counter[str] = Counter()
    for _ in range(20):
        step = ScheduledStep.objects.create(
            request=request, kind="at", due_at=timezone.now(), status="cancelled"
        )
        ScheduledStep.objects.filter(pk=step.pk).update(status="upcoming")
        now = timezone.now()
        results = race([lambda pk=step.pk, now=now: step_claim(pk, now=now)] * 2)
        winners[str(sum(1 for r in results if isinstance(r, ScheduledStep)))] += 1
        ScheduledStep.objects.filter(pk=step.pk).update(status="cancelled")
    return dict(winners)


if __name__ == "__main__":
    main(run_all)
