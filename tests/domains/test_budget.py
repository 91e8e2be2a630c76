"""One upstream budget per domain, shared across processes: every call of the one client draws
on it (refreshes, writes, health probes); over budget a call waits briefly or is refused."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from connectors_ui.catalogue.sync import catalogue_refresh
from connectors_ui.domains.budget import DatabaseBudget
from connectors_ui.domains.context import domain_scope
from connectors_ui.domains.registry import Domain, domain_get
from connectors_ui.models import CatalogueSync, UpstreamBudget
from connectors_ui.powens import get_client
from connectors_ui.powens.errors import PowensBudgetExhausted
from tests.fixtures.domains import PRODUCTION, SANDBOX


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def budgeted(settings):
    """Both demo domains at Powens' sandbox limit, 30 calls a minute."""
    settings.POWENS_CALLS_PER_MINUTE = 30
    get_client.cache_clear()
    yield settings
    get_client.cache_clear()


def _budget(clock: Clock, max_wait: float = 5.0) -> DatabaseBudget:
    return DatabaseBudget(domain_get(SANDBOX), max_wait=max_wait, clock=clock, sleep=clock.sleep)


@pytest.mark.django_db
def test_a_full_bucket_lets_a_minutes_calls_through_then_waits_then_refuses(budgeted):
    clock = Clock()
    budget = _budget(clock)
    for _ in range(30):
        budget()
    assert clock.slept == []
    budget()  # the 31st: the next turn comes in 2 s, within the wait allowed
    assert clock.slept == [pytest.approx(2.0)]
    budget()  # reserved behind it: 4 s
    assert clock.slept == [pytest.approx(2.0), pytest.approx(4.0)]
    with pytest.raises(PowensBudgetExhausted, match="30 Powens calls a minute for Demo sandbox"):
        budget()  # 6 s > 5 s: refused, nothing reserved
    # Two turns reserved ahead; a minute refills 30, and this call takes one.
    assert UpstreamBudget.objects.get(domain=SANDBOX).tokens == pytest.approx(-2.0)
    clock.now += 60
    budget()
    assert UpstreamBudget.objects.get(domain=SANDBOX).tokens == pytest.approx(27.0)
    clock.now += 600  # never more than a minute's worth
    budget()
    assert UpstreamBudget.objects.get(domain=SANDBOX).tokens == pytest.approx(29.0)


@pytest.mark.django_db
def test_each_domain_has_its_own_bucket(budgeted):
    clock = Clock()
    for _ in range(30):
        _budget(clock, max_wait=0)()
    with pytest.raises(PowensBudgetExhausted):
        _budget(clock, max_wait=0)()
    DatabaseBudget(domain_get(PRODUCTION), max_wait=0, clock=clock)()
    assert set(UpstreamBudget.objects.values_list("domain", flat=True)) == {SANDBOX, PRODUCTION}


STOPPED = 1_800_000_000.0


def stopped_clock_budget_for(domain: Domain) -> DatabaseBudget:
    """The domain's real bucket with its clock stopped and no wait: exactly two turns, however
    long the calls take (on a loaded machine, two seconds between them refilled a third)."""
    return DatabaseBudget(domain, max_wait=0, clock=lambda: STOPPED)


def test_refreshes_writes_and_probes_draw_on_it_and_a_refusal_sends_nothing(
    small_sandbox, budgeted, client
):
    from connectors_ui.powens.client import call_count, reset_call_count

    budgeted.POWENS_BUDGET = f"{__name__}.stopped_clock_budget_for"
    get_client.cache_clear()
    UpstreamBudget.objects.create(domain=SANDBOX, tokens=2.0, updated_at=STOPPED)
    reset_call_count()
    with domain_scope(SANDBOX):
        assert catalogue_refresh(trigger=CatalogueSync.Trigger.TEST).status == "success"
    get_client().update_connector(small_sandbox[0]["uuid"], hidden=True)
    assert call_count() == 2
    with domain_scope(SANDBOX):
        refused = catalogue_refresh(trigger=CatalogueSync.Trigger.TEST)
    assert refused.status == "failed" and "budget of 30 Powens calls a minute" in refused.error
    assert client.get("/health/").json()["checks"]["powens"] == "unreachable"
    assert call_count() == 2  # refused before sending


def _database_url(tmp_path: Path) -> str:
    """A database the child processes share: the test database itself on PostgreSQL (the
    test is transactional, so they see its rows), a migrated file on SQLite (the in-memory
    test database is this process's alone)."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _run(url, "manage.py", "migrate", "--noinput", "-v", "0")
    return url


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": url,
        "POWENS_CALLS_PER_MINUTE": "12",
        "POWENS_BUDGET_MAX_WAIT": "0",
        "LOG_LEVEL": "WARNING",
    }


def _run(url: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, *args], cwd=django_settings.BASE_DIR, env=_env(url), capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


@pytest.mark.django_db(transaction=True)
def test_several_processes_share_one_budget(tmp_path):
    """Four processes make 8 calls each at the same moment against a 12-a-minute budget: 12
    are sent in all, the other 20 refused, however the processes interleave."""
    url = _database_url(tmp_path)
    start_at = time.time() + 3
    module = ["-m", "tests.domains.budget_race", "8", str(start_at)]
    children = [
        subprocess.Popen(
            [sys.executable, *module],
            cwd=django_settings.BASE_DIR,
            env=_env(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    reports = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()[-2000:]
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    assert sum(r["sent"] for r in reports) == 12
    assert sum(r["refused"] for r in reports) == 20
