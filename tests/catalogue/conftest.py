"""Fixtures for the freshness tests: a background refresh held at its start."""

import threading

import pytest

from connectors_ui.catalogue import sync as service


@pytest.fixture
def gated_refresh(monkeypatch, settings):
    """Background refreshes that wait for ``gate.set()`` before starting: the page renders
    while the thread has not taken the lease yet, as when it was just started. Pass the gate
    to ``finish_refresh`` to let it run to the end."""
    settings.CATALOGUE_AUTO_REFRESH = "thread"
    gate = threading.Event()
    real = service.catalogue_refresh

    def held(**kwargs):
        gate.wait(10)
        return real(**kwargs)

    monkeypatch.setattr(service, "catalogue_refresh", held)
    yield gate
    gate.set()
    thread = service.background_refresh()
    if thread is not None:
        thread.join(timeout=10)


def finish_refresh(gate: threading.Event) -> None:
    gate.set()
    thread = service.background_refresh()
    assert thread is not None
    thread.join(timeout=10)
    assert not thread.is_alive()
