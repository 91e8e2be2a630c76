"""Concurrency scenarios: real threads, each with its own database connection.

Used in-process on PostgreSQL (row locks, separate connections) and, on SQLite, run as a
script against a throwaway file database, because the in-memory test database shares one
cache whose table locks fail instead of waiting:

    DJANGO_ENV=test DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.trust.concurrency
"""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

ROUNDS = 6


def race(work: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables at the same instant, one thread each; their results or exceptions."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work[index]()
        except Exception as error:  # reported, then asserted on by the caller
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def scenario_report(
    module: str, run: Callable[[], Any], database_dir: Path, db_blocker: Any
) -> dict[str, Any]:
    """The JSON report of a scenario: on PostgreSQL ``run()`` in this process against the test
    database (emptied afterwards: the threads commit), else ``python -m module`` against a file
    database in ``database_dir``, since the in-memory SQLite test database cannot make writers
    wait. ``db_blocker`` is pytest-django's ``django_db_blocker``."""
    if connection.vendor != "sqlite":
        with db_blocker.unblock():
            try:
                return json.loads(json.dumps(run(), default=str))
            finally:
                call_command("flush", interactive=False, verbosity=0)
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "powens_admin.settings",
        "DATABASE_URL": f"sqlite:///{database_dir / 'db.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-m", module],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def setup() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from connectors_ui.catalogue.sync import catalogue_refresh
    from connectors_ui.powens import get_client
    from sandbox.backend import load_catalogue
    from sandbox.catalogue import small_catalogue

    get_client.cache_clear()
    catalogue = small_catalogue()
    load_catalogue(catalogue, replace=True)
    assert catalogue_refresh(trigger="test").status == "success"
    editors = []
    for name in ("race-editor-1", "race-editor-2"):
        user = get_user_model().objects.create_user(username=name, password="x")
        user.groups.add(Group.objects.get(name="editor"))
        editors.append(user)
    return {"uuid": catalogue[0]["uuid"], "editors": editors}


def toggles(world: dict[str, Any]) -> dict[str, Any]:
    """Two editors toggle the same connector at the same time, several rounds, the Powens
    write slowed down so that one request is in flight while the other arrives."""
    from audit.models import AuditEntry
    from connectors_ui.changes import ChangeRefused, connector_set_enabled
    from connectors_ui.models import CatalogueConnector
    from sandbox import faults
    from sandbox.models import SandboxConnector

    uuid, rounds = world["uuid"], []
    for number in range(ROUNDS):
        hidden = SandboxConnector.objects.get(uuid=uuid).hidden
        if number % 2:
            faults.inject("latency", endpoint="E3", delay_ms=300, rate=1.0)

        def change(editor: Any, hidden: bool = bool(hidden)) -> str:
            try:
                result = connector_set_enabled(
                    actor=editor,
                    uuid=uuid,
                    enabled=hidden,
                    reason="race",
                    seen_hidden=hidden,
                    request_meta=None,
                )
            except ChangeRefused as refused:
                return f"refused:{refused.code}"
            return str(result.outcome)

        outcomes = race([lambda e=e: change(e) for e in world["editors"]])
        faults.clear()
        rounds.append(
            {
                "outcomes": [str(o) for o in outcomes],
                "before": hidden,
                "after": SandboxConnector.objects.get(uuid=uuid).hidden,
                "local": CatalogueConnector.objects.get(uuid=uuid).hidden,
            }
        )
    intents = AuditEntry.objects.filter(connector_uuid=uuid).exclude(outcome="refused")
    return {
        "rounds": rounds,
        "intents": intents.count(),
        "intent_outcomes": Counter(e.outcomes.get().outcome for e in intents),
        "refused": AuditEntry.objects.filter(connector_uuid=uuid, outcome="refused").count(),
    }


def refreshes(world: dict[str, Any]) -> dict[str, Any]:
    """Two refreshes at once (the list call slowed down), twice."""
    from connectors_ui.catalogue.sync import catalogue_refresh
    from connectors_ui.models import CatalogueConnector
    from sandbox import faults
    from sandbox.backend import set_connector_hidden
    from sandbox.models import SandboxConnector

    statuses = []
    for _ in range(2):
        set_connector_hidden(
            world["uuid"], not SandboxConnector.objects.get(uuid=world["uuid"]).hidden
        )
        faults.inject("latency", endpoint="E1", delay_ms=300, rate=1.0)
        results = race([lambda: catalogue_refresh(trigger="test")] * 2)
        faults.clear()
        statuses += [getattr(r, "status", repr(r)) for r in results]
    local = list(CatalogueConnector.objects.values_list("uuid", "hidden"))
    return {
        "statuses": statuses,
        "local_rows": len(local),
        "local_unique": len({u for u, _ in local}),
        "matches_sandbox": dict(local)
        == dict(SandboxConnector.objects.values_list("uuid", "hidden")),
    }


def run_all() -> dict[str, Any]:
    from audit.chain import chain_verify

    world = setup()
    report = {"toggles": toggles(world), "refreshes": refreshes(world)}
    verify = chain_verify()
    report["chain_ok"], report["chain_checked"] = verify.ok, verify.checked
    return report


def main(scenarios: Callable[[], dict[str, Any]]) -> None:
    """A scenario module's ``python -m`` entry: a fresh file database, one JSON line out."""
    import django

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(scenarios(), default=str))


if __name__ == "__main__":
    main(run_all)
