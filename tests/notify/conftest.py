from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings

from tests.notify.receivers import Behaviour, Receiver


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    """Factory: ``receiver("fail")`` → a started loopback receiver, stopped after the test."""
    started: list[Receiver] = []

    def start(mode: str = "ok", **options: float) -> Receiver:
        server = Receiver(Behaviour(mode=mode, **options)).__enter__()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__()


@pytest.fixture(autouse=True)
def fast_webhooks() -> Iterator[None]:
    """Short timeouts and few tries, so a failing receiver dead-letters within a test."""
    with override_settings(
        WEBHOOK_TIMEOUT_SECONDS=0.5, WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_BACKOFF_BASE_SECONDS=10
    ):
        yield
