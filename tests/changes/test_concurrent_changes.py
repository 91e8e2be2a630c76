"""Two editors disabling one connector at once, 300 rounds with random delays (issue 10,
item 3): each round exactly one write reaches Powens and is recorded ``succeeded``; the other
editor is refused (the target is claimed, or it changed since they looked), on the record.

``tests.changes.two_editors`` runs the rounds: in this process on PostgreSQL, as a script
against a file database on SQLite (see ``tests.trust.concurrency.scenario_report``).
"""

from typing import Any

import pytest

from tests.changes import two_editors
from tests.trust.concurrency import scenario_report

# The test database is created even when this module runs alone: the rounds must never reach
# the database named in DATABASE_URL.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Any]:
    database_dir = tmp_path_factory.mktemp("two_editors")
    module, run = "tests.changes.two_editors", two_editors.run_all
    return scenario_report(module, run, database_dir, django_db_blocker)


def test_no_round_writes_twice(report):
    assert report["rounds"] >= 300
    assert report["double_writes"] == 0
    assert report["extra_intents"] == 0, "a second intent, sealed with a false 'before'"


def test_each_round_one_editor_succeeds_and_the_other_is_refused(report):
    outcomes = dict(report["outcomes"])
    assert outcomes.pop("succeeded") == report["rounds"]
    assert set(outcomes) <= {"refused:conflict", "refused:stale"}, outcomes
    assert sum(outcomes.values()) == report["rounds"]


def test_the_hash_chain_verifies_after_the_rounds(report):
    assert report["chain_ok"]
