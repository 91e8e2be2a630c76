"""Two editors disabling the same connector, round after round, with random delays: the race
of issue 10 (item 3), where both writes could be recorded ``succeeded``.

Every Powens call (the read before the write, the write) waits a random 0-100 ms before it is
answered and 0-100 ms after, and each editor starts after a random 0-200 ms, so every order of
read, seal, write and outcome between the two requests comes up over the rounds. Real threads
with their own database connections, as in ``tests.trust.concurrency``; on SQLite it runs as a
script against a throwaway file database:

    DJANGO_ENV=test DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.changes.two_editors
"""

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.trust.concurrency import race, setup

ROUNDS = int(os.environ.get("RACE_ROUNDS", "300"))
CALL_DELAY = 0.1  # seconds, at most, before and again after Powens answers a call
START_DELAY = 0.2  # seconds, at most, before an editor sends their change


@contextmanager
def slow_and_counted_powens(writes: Counter) -> Iterator[None]:
    """Delay every sandbox call at random on both sides of its answer; count the PUTs."""
    from sandbox.transport import SandboxAdapter

    original = SandboxAdapter.send
    lock = threading.Lock()

    def send(self: SandboxAdapter, request: Any, **options: Any) -> Any:
        time.sleep(random.uniform(0, CALL_DELAY))
        response = original(self, request, **options)
        if request.method == "PUT":
            with lock:
                writes[threading.current_thread().name] += 1
        time.sleep(random.uniform(0, CALL_DELAY))
        return response

    SandboxAdapter.send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        SandboxAdapter.send = original  # type: ignore[method-assign]


def _disable(editor: Any, uuid: str) -> str:
    from connectors_ui.changes import ChangeRefused, connector_set_enabled

    time.sleep(random.uniform(0, START_DELAY))
    try:
        result = connector_set_enabled(
            actor=editor,
            uuid=uuid,
            enabled=False,
            reason="race",
            seen_hidden=False,
            request_meta=None,
        )
    except ChangeRefused as refused:
        return f"refused:{refused.code}"
    return str(result.outcome)


def _reset(uuid: str) -> None:
    """The connector enabled again, in Powens and in the copy, as both editors' pages show it."""
    from connectors_ui.models import CatalogueConnector
    from sandbox.backend import set_connector_hidden

    set_connector_hidden(uuid, False)
    CatalogueConnector.objects.filter(uuid=uuid).update(hidden=False)


def rounds(world: dict[str, Any]) -> dict[str, Any]:
    """``ROUNDS`` races; per round the editors' outcomes and the PUTs Powens received."""
    from audit.chain import chain_verify
    from audit.models import AuditEntry

    uuid, outcomes, double_writes, extra_intents = world["uuid"], Counter(), 0, 0
    started = time.monotonic()
    for _ in range(ROUNDS):
        _reset(uuid)
        newest = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        writes: Counter = Counter()
        with slow_and_counted_powens(writes):
            results = race([lambda e=e: _disable(e, uuid) for e in world["editors"]])
        outcomes.update(str(r) for r in results)
        double_writes += sum(writes.values()) > 1
        # A second intent in one round has a false ``before``: "enabled", read before the
        # other editor's write landed.
        intents = AuditEntry.objects.filter(seq__gt=newest, connector_uuid=uuid, outcome="pending")
        extra_intents += max(0, intents.count() - 1)
    verify = chain_verify()
    return {
        "rounds": ROUNDS,
        "seconds": round(time.monotonic() - started, 1),
        "outcomes": dict(outcomes),
        "double_writes": double_writes,
        "extra_intents": extra_intents,
        "chain_ok": verify.ok,
    }


def run_all() -> dict[str, Any]:
    return rounds(setup())


if __name__ == "__main__":
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(run_all(), default=str))
