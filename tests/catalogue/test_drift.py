"""Drift between two domains on a schedule: the pair's two local copies (loaded from the
embedded sandbox's two domains, made to differ here) are compared with the compare selectors;
each run is stored, and only the differences new since the last one are put on the audit
record ("drift detected"), the gone ones counted as resolved."""

import copy
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from audit.models import Action, AuditEntry
from connectors_ui.catalogue import drift
from connectors_ui.catalogue.drift import DriftPair, domain_drift_check, drift_pair
from connectors_ui.catalogue.tasks import domain_drift_check_task
from connectors_ui.compare.selectors import domain_differences
from connectors_ui.models import DriftRun
from sandbox.domains import sandbox_domain_scope
from sandbox.loading import load_catalogue
from tests.fixtures.domains import PRODUCTION, SANDBOX, refresh_every_domain

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _load(connectors_by_domain: dict[str, list[dict]]) -> None:
    """Put these catalogues on the sandbox's domains and refresh both local copies."""
    for name, connectors in connectors_by_domain.items():
        with sandbox_domain_scope(name):
            load_catalogue(copy.deepcopy(connectors), replace=True)
    refresh_every_domain()


@pytest.fixture
def differing(two_small_domains):
    """Production differs from the sandbox three ways: a connector it does not list, one it
    hides, and a source of BNP (the first) it disables. Returns both catalogues, to edit."""
    sandbox = copy.deepcopy(two_small_domains[SANDBOX])
    production = copy.deepcopy(sandbox)
    del production[6]
    production[2]["hidden"] = not production[2]["hidden"]
    production[0]["sources"][0]["disabled"] = "2026-11-30 10:00:00"
    _load({PRODUCTION: production})
    return {SANDBOX: sandbox, PRODUCTION: production}


def _entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=Action.DRIFT_DETECTED).order_by("seq"))


def _state(hidden) -> str:
    return "disabled" if hidden else "enabled"


def test_the_first_run_notifies_every_difference(differing):
    run = domain_drift_check(now=NOW)
    bnp, flipped, gone = (differing[SANDBOX][i] for i in (0, 2, 6))
    assert (run.number, run.total, run.new_count, run.resolved_count) == (1, 3, 3, 0)
    [entry] = _entries()
    assert run.entry == entry and entry.actor is None and entry.actor_username == "drift check"
    assert entry.domain == PRODUCTION  # sealed with the target's domain
    assert entry.details["pair"] == [SANDBOX, PRODUCTION]
    assert entry.details["new"] == sorted(
        [
            f"{gone['name']}: listed on {SANDBOX} only",
            f"{flipped['name']}: {_state(flipped['hidden'])} on {SANDBOX}, "
            f"{_state(not flipped['hidden'])} on {PRODUCTION}",
            f"{bnp['name']}: source openapi: enabled on {SANDBOX}, disabled on {PRODUCTION}",
        ]
    )
    assert entry.details["summary"] == (
        f"3 new differences between {SANDBOX} and {PRODUCTION} (3 in all)"
    )
    assert entry.details["link"] == f"/compare/?source={SANDBOX}&target={PRODUCTION}"
    assert len(run.differences) == 3 and run.differences == sorted(run.differences)


def test_the_run_counts_what_the_comparison_page_lists(two_domains):
    """The demo domains: one definition of a difference, so the run's keys are the page's
    differences (a row per differing source)."""
    run = domain_drift_check(now=NOW)
    found = domain_differences(source=SANDBOX, target=PRODUCTION)
    rows = sum(len(d.sources) or 1 for d in found)
    assert run.total == run.new_count == rows > 10
    assert _entries()[0].details["new_count"] == rows


def test_a_second_run_with_no_change_notifies_nothing(differing):
    domain_drift_check(now=NOW)
    run = domain_drift_check(now=NOW + HOUR)
    assert (run.number, run.total, run.new_count, run.resolved_count) == (2, 3, 0, 0)
    assert run.entry is None and len(_entries()) == 1


def test_a_change_in_one_copy_notifies_just_that_one(differing):
    domain_drift_check(now=NOW)
    sandbox = differing[SANDBOX]
    sandbox[4]["hidden"] = not sandbox[4]["hidden"]
    _load({SANDBOX: sandbox})
    run = domain_drift_check(now=NOW + HOUR)
    assert (run.total, run.new_count, run.resolved_count) == (4, 1, 0)
    entry = _entries()[-1]
    assert run.entry == entry and len(_entries()) == 2
    assert entry.details["new"] == [
        f"{sandbox[4]['name']}: {_state(sandbox[4]['hidden'])} on {SANDBOX}, "
        f"{_state(not sandbox[4]['hidden'])} on {PRODUCTION}"
    ]
    assert entry.details["summary"].startswith("1 new difference between")


def test_a_difference_gone_is_resolved_and_one_that_comes_back_is_new_again(differing):
    domain_drift_check(now=NOW)
    production = differing[PRODUCTION]
    production[2]["hidden"] = not production[2]["hidden"]  # as on the sandbox again
    _load({PRODUCTION: production})
    run = domain_drift_check(now=NOW + HOUR)
    assert (run.total, run.new_count, run.resolved_count, run.entry) == (2, 0, 1, None)

    production[2]["hidden"] = not production[2]["hidden"]
    _load({PRODUCTION: production})
    run = domain_drift_check(now=NOW + 2 * HOUR)
    assert (run.total, run.new_count, run.resolved_count) == (3, 1, 0)
    assert run.entry.details["new"][0].startswith(differing[SANDBOX][2]["name"])


def test_a_resolved_count_reaches_the_next_entry(differing):
    domain_drift_check(now=NOW)
    production = differing[PRODUCTION]
    production[2]["hidden"] = not production[2]["hidden"]  # resolved…
    production[3]["hidden"] = not production[3]["hidden"]  # …and a new one, same run
    _load({PRODUCTION: production})
    run = domain_drift_check(now=NOW + HOUR)
    assert (run.total, run.new_count, run.resolved_count) == (3, 1, 1)
    assert run.entry.details["resolved_count"] == 1


def test_a_long_list_is_cut_with_a_count(differing, monkeypatch):
    monkeypatch.setattr(drift, "LISTED_MAX", 2)
    entry = domain_drift_check(now=NOW).entry
    assert entry.details["new"][-1] == "… and 1 more" and entry.details["new_count"] == 3


def test_a_copy_never_loaded_is_not_compared(db):
    """An empty copy is not drift: it would notify every connector as listed on one only."""
    assert domain_drift_check(now=NOW) is None
    assert not DriftRun.objects.exists() and _entries() == []


def test_a_racing_run_that_lost_records_nothing(differing, monkeypatch):
    """Two runs that read the same last run: the second to store its number fails the unique
    constraint and rolls back with its entry (the first's stands)."""
    first = domain_drift_check(now=NOW)
    production = differing[PRODUCTION]
    production[3]["hidden"] = not production[3]["hidden"]
    _load({PRODUCTION: production})
    monkeypatch.setattr(drift, "_last_run", lambda pair: None)  # read before run 1 committed
    assert domain_drift_check(now=NOW + HOUR) is None
    assert list(DriftRun.objects.all()) == [first] and _entries() == [first.entry]


def test_old_runs_are_pruned(differing, monkeypatch):
    monkeypatch.setattr(drift, "RUNS_KEPT", 2)
    for hour in range(4):
        domain_drift_check(now=NOW + hour * HOUR)
    assert list(DriftRun.objects.values_list("number", flat=True)) == [4, 3]
    assert len(_entries()) == 1


def test_the_pair_defaults_to_the_first_sandbox_and_production(settings):
    settings.DRIFT_PAIR = ()
    assert drift_pair() == DriftPair(SANDBOX, PRODUCTION)
    settings.DRIFT_PAIR = ("demo-production", "demo-sandbox")
    assert drift_pair() == DriftPair(PRODUCTION, SANDBOX)
    settings.DRIFT_PAIR = ("off",)
    assert drift_pair() is None


def test_without_a_production_domain_there_is_no_default_pair(settings):
    settings.POWENS_SANDBOX_DOMAINS = ["demo-sandbox", "demo-sandbox-2"]
    assert drift_pair() is None


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        (("demo-sandbox", "prod"), "DRIFT_PAIR (unknown domain prod): give two of the configured"),
        (("demo-sandbox",), "DRIFT_PAIR (not two distinct domains)"),
        (("demo-sandbox", "demo-sandbox"), "DRIFT_PAIR (not two distinct domains)"),
    ],
)
def test_a_bad_pair_stops_start_up_with_its_reason(settings, configured, message):
    settings.DRIFT_PAIR = configured
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        apps.get_app_config("connectors_ui").ready()
    with pytest.raises(ImproperlyConfigured, match="demo-production, demo-sandbox"):
        domain_drift_check(now=NOW)


def test_the_check_off_does_nothing(differing, settings):
    settings.DRIFT_PAIR = ("off",)
    assert domain_drift_check(now=NOW) is None
    assert not DriftRun.objects.exists() and _entries() == []


def test_the_task_is_a_periodic_job(differing, settings):
    job = settings.PERIODIC_JOBS["domain_drift_check"]
    assert import_string(job["task"]) is domain_drift_check_task and job["every_seconds"] > 0
    result = domain_drift_check_task.enqueue()
    assert result.return_value == {"number": 1, "total": 3, "new": 3}
