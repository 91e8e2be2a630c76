"""Drift between two domains on a schedule: the pair is compared by UUID, the run's differences
kept, and only new ones recorded as "drift detected". With one domain in the copy today, the
one domain lookup is pointed at two sets of rows built here."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.module_loading import import_string

from audit.models import Action, AuditEntry
from connectors_ui.catalogue import drift
from connectors_ui.catalogue.drift import Listed, domain_connectors, domain_drift_check
from connectors_ui.catalogue.tasks import domain_drift_check_task
from connectors_ui.models import DriftRun

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SAME = "00000000-0000-4000-8000-000000000001"
HIDDEN_ON_A = "00000000-0000-4000-8000-000000000002"
ONLY_A = "00000000-0000-4000-8000-000000000003"
SOURCE_DIFF = "00000000-0000-4000-8000-000000000004"


@pytest.fixture
def domains(monkeypatch, settings):
    """Two domains' rows, editable by the test, served through the one lookup."""
    settings.DRIFT_PAIR = ("acme", "acme-sandbox")
    rows = {
        "acme": {
            SAME: Listed("Same Bank", False, {1: ("openapi", False)}),
            HIDDEN_ON_A: Listed("Hidden Bank", True, {}),
            ONLY_A: Listed("Only Bank", False, {}),
            SOURCE_DIFF: Listed("Source Bank", False, {5: ("directaccess", True)}),
        },
        "acme-sandbox": {
            SAME: Listed("Same Bank", False, {1: ("openapi", False)}),
            HIDDEN_ON_A: Listed("Hidden Bank", False, {}),
            SOURCE_DIFF: Listed("Source Bank", False, {5: ("directaccess", False)}),
        },
    }
    monkeypatch.setattr(drift, "domain_connectors", lambda domain: dict(rows[domain]))
    return rows


def _entries():
    return list(AuditEntry.objects.filter(action=Action.DRIFT_DETECTED).order_by("seq"))


def test_first_run_records_every_difference(domains, db):
    entry = domain_drift_check(now=NOW)
    assert entry is not None and entry.actor is None and entry.actor_username == "drift check"
    assert entry.details["pair"] == ["acme", "acme-sandbox"]
    assert sorted(entry.details["new"]) == [
        "Hidden Bank: disabled on acme, enabled on acme-sandbox",
        "Only Bank: listed on acme only",
        "Source Bank, source directaccess: disabled on acme, enabled on acme-sandbox",
    ]
    assert entry.details["total"] == 3
    assert DriftRun.objects.get().differences == sorted(
        [f"only:acme:{ONLY_A}", f"source:{SOURCE_DIFF}/5", f"state:{HIDDEN_ON_A}"]
    )


def test_only_new_differences_are_recorded(domains, db):
    domain_drift_check(now=NOW)
    assert domain_drift_check(now=NOW + timedelta(hours=1)) is None
    domains["acme-sandbox"][SAME] = Listed("Same Bank", True, {1: ("openapi", False)})
    entry = domain_drift_check(now=NOW + timedelta(hours=2))
    assert entry.details["new"] == ["Same Bank: enabled on acme, disabled on acme-sandbox"]
    assert entry.details["total"] == 4
    assert len(_entries()) == 2


def test_a_difference_that_comes_back_is_new_again(domains, db):
    domain_drift_check(now=NOW)
    fixed = domains["acme"][HIDDEN_ON_A]._replace(hidden=False)
    domains["acme"][HIDDEN_ON_A] = fixed
    assert domain_drift_check(now=NOW + timedelta(hours=1)) is None
    domains["acme"][HIDDEN_ON_A] = fixed._replace(hidden=True)
    entry = domain_drift_check(now=NOW + timedelta(hours=2))
    assert entry.details["new"] == ["Hidden Bank: disabled on acme, enabled on acme-sandbox"]


def test_long_lists_are_cut_with_a_count(domains, db, monkeypatch):
    monkeypatch.setattr(drift, "LISTED_MAX", 2)
    entry = domain_drift_check(now=NOW)
    assert entry.details["new"][-1] == "… and 1 more" and entry.details["new_count"] == 3


def test_no_pair_configured_does_nothing(settings, db):
    settings.DRIFT_PAIR = ()
    assert domain_drift_check(now=NOW) is None
    assert not DriftRun.objects.exists() and _entries() == []


def test_the_lookup_reads_the_local_copy(small_catalogue):
    """The domain's copy: its listed connectors, with their sources' states."""
    found = domain_connectors("demo-sandbox")
    bnp = small_catalogue[0]
    assert len(found) == len(small_catalogue)
    assert found[bnp["uuid"]].name == bnp["name"]
    assert [off for _, off in found[bnp["uuid"]].sources.values()] == [
        s["disabled"] is not None for s in bnp["sources"]
    ]


def test_the_task_is_a_periodic_job(domains, db, settings):
    job = settings.PERIODIC_JOBS["domain_drift_check"]
    assert import_string(job["task"]) is domain_drift_check_task and job["every_seconds"] > 0
    result = domain_drift_check_task.enqueue()
    assert result.return_value == _entries()[0].pk
