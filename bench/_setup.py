"""The throwaway database, catalogue and signed-in client the in-process benchmarks share.

A benchmark must never touch a real database, so each run gets a fresh SQLite file in a
temporary directory (or the empty database it is given), migrated from scratch. Call
``django_setup`` before importing anything that needs Django; ``load_bench`` runs the app in
gunicorn subprocesses and sets up its own environment instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

    from connectors_ui.models import CatalogueSync

ROOT = Path(__file__).resolve().parent.parent
# Kept referenced for the life of the process: the directory (and database) go with it.
_temporary_directories: list[tempfile.TemporaryDirectory] = []


def django_setup(prefix: str, *, db_dir: str | None = None, database_url: str = "") -> str:
    """Point Django at ``database_url``, or at a new SQLite file under ``db_dir`` (the system
    temporary directory by default), then ``django.setup()``. Returns what to print about the
    database: the SQLite file, never a URL (it may hold a password)."""
    sys.path.insert(0, str(ROOT))
    where = "the given database"
    if not database_url:
        tmp = tempfile.TemporaryDirectory(prefix=prefix, dir=db_dir)
        _temporary_directories.append(tmp)
        where = f"{tmp.name}/bench.sqlite3"
        database_url = f"sqlite:///{where}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "powens_admin.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    return where


def signed_in_client(role: str) -> Client:
    """Migrate the empty database and return a test Client signed in as a new ``role`` user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(f"bench-{role}")
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def catalogue_load(connectors: list[dict]) -> CatalogueSync:
    """Load ``connectors`` into the sandbox and refresh the local copy from it (one upstream
    call through the real client); returns the successful CatalogueSync."""
    from connectors_ui.catalogue.sync import catalogue_refresh
    from sandbox.backend import load_catalogue

    load_catalogue(connectors, replace=True)
    sync = catalogue_refresh(trigger="command")
    assert sync.status == "success", sync.error
    return sync


def editor_on_enabled_catalogue(size: int) -> tuple[Client, list[dict]]:
    """A signed-in editor's client (user ``bench-editor``) on a generated catalogue of ``size``
    connectors, all enabled, mirrored in the local copy; and the catalogue."""
    from django.test.utils import setup_test_environment

    from sandbox.backend import generated_catalogue

    setup_test_environment()  # lets the Client expose a page's context
    client = signed_in_client("editor")
    catalogue = generated_catalogue(size, seed=7)
    for connector in catalogue:
        connector["hidden"] = False
    catalogue_load(catalogue)
    return client, catalogue


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(
    client: Client, url: str, samples: int, headers: dict[str, str]
) -> list[tuple[float, float]]:
    """(wall ms, this process's CPU ms) per request: CPU time shows our own cost when other
    processes compete for the two cores."""
    durations = []
    for _ in range(samples):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, **headers)
        durations.append(
            ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000)
        )
        assert response.status_code == 200, (url, response.status_code)
    return durations


class Upstream:
    """What the benchmarks count of their Powens traffic: PATCH calls, and the seconds spent
    inside the embedded fake (its own database work, which real Powens does on its side), so a
    figure can be read with and without it. ``install`` wraps the client and the transport."""

    def __init__(self) -> None:
        self.patch_calls = 0
        self.fake_seconds = 0.0

    def reset(self) -> None:
        self.patch_calls, self.fake_seconds = 0, 0.0

    def install(self) -> Upstream:
        from connectors_ui.powens.client import PowensClient
        from sandbox.transport import SandboxAdapter

        patch, send, meter = PowensClient.batch_update_connectors, SandboxAdapter.send, self

        def counted_patch(client, updates):  # type: ignore[no-untyped-def]
            meter.patch_calls += 1
            return patch(client, updates)

        def timed_send(adapter, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return send(adapter, request, *args, **kwargs)
            finally:
                meter.fake_seconds += time.perf_counter() - started

        PowensClient.batch_update_connectors = counted_patch  # type: ignore[method-assign]
        SandboxAdapter.send = timed_send  # type: ignore[method-assign]
        return self


def load_average() -> str:
    """The machine's 1-minute load average, printed beside each figure (the cores are shared)."""
    return f"load {os.getloadavg()[0]:.1f}"


def chain_report() -> str:
    """The audit log's size and whether its hash chain verifies, with the time it took."""
    from audit.chain import chain_verify
    from audit.models import AuditEntry

    started = time.perf_counter()
    report = chain_verify()
    chain = "intact" if report.ok else report.first_break
    return (
        f"audit entries {AuditEntry.objects.count()}, chain {chain}, "
        f"{report.checked} records verified in {time.perf_counter() - started:.2f} s"
    )
