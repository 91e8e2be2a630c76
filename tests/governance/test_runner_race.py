"""Two runners (threads with their own connections) racing for each due step: it runs once,
claimed by one conditional UPDATE; the other runner finds it taken."""

from typing import Any

import pytest

from tests.governance import runners_race
from tests.trust.concurrency import scenario_report

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Any]:
    database_dir = tmp_path_factory.mktemp("runners_race")
    module = "tests.governance.runners_race"
    return scenario_report(module, runners_race.run_all, database_dir, django_db_blocker)


def test_each_due_step_runs_once(report):
    rounds = runners_race.ROUNDS
    assert report["ran"] == {"1": rounds, "0": rounds}, report
    assert report["statuses"] == {"done": rounds, "cancelled": 20}
    assert report["writes"] == rounds and report["step_runs"] == rounds


def test_two_simultaneous_claims_of_one_step_have_one_winner(report):
    assert report["claims"] == {"1": 20}


def test_the_target_ends_as_the_last_step_left_it(report):
    assert report["hidden_at_end"] is True  # five steps: disable, enable, ..., disable
    assert report["chain_ok"]
