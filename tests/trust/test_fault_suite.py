"""Every write path × every fault × service/view/htmx: clear message, right audit outcome,
nothing lost, local copy never corrupted. Totals are printed at the end of the run."""

import pytest
from django.test import override_settings

from tests.trust.faultsuite import FAULTS, MODES, PATHS, TALLY, prepare, run_case


@pytest.fixture
def world(small_catalogue, make_user):
    prepare(small_catalogue)
    return small_catalogue, make_user("editor", username="fault-editor")


def test_the_matrix_injects_at_least_200_faults():
    assert len(PATHS) * len(FAULTS) * len(MODES) >= 200


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_fault(path, fault, mode, world, faults):
    catalogue, editor = world
    with override_settings(POWENS_READ_TIMEOUT=0.3):
        run_case(path, fault, mode, catalogue, editor)
    assert TALLY["lost"] == 0
