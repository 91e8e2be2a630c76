"""pytest plugin: prints the fault suite's totals at the end of the run (also under xdist,
where each worker hands its tally to the controller). Registered in tests/conftest.py."""

import pytest

from tests.trust.faultsuite import TALLY


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fault_tally"] = dict(TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    TALLY.update(getattr(node, "workeroutput", {}).get("fault_tally", {}))


def pytest_terminal_summary(terminalreporter) -> None:
    if TALLY["injected"]:
        terminalreporter.write_sep("-", "fault suite")
        terminalreporter.write_line(
            f"faults injected: {TALLY['injected']}, write intents: {TALLY['intents']}, "
            f"audit entries: {TALLY['entries']}, entries lost: {TALLY['lost']}"
        )
