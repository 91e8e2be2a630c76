"""Client fixtures: against a `responses` mock (odd upstream behaviour) and against the
embedded sandbox (the real thing). Sleeps are recorded instead of slept."""

from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.conf import settings

from connectors_ui.powens.client import PowensClient, reset_call_count

BASE = "http://powens.test/2.0"
TOKEN = "cfg-TOKEN-7f3a9b1c2d"


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> PowensClient:
    reset_call_count()
    return PowensClient(
        base_url=BASE,
        config_token=TOKEN,
        connect_timeout=1.5,
        read_timeout=7.0,
        max_retries=2,
        backoff=0.5,
        max_retry_wait=5.0,
        sleep=sleeps.append,
    )


def sandbox_client(sleeps: list[float], *, token: str | None = None, **kwargs: Any) -> PowensClient:
    """A client like get_client()'s in sandbox mode, with sleeps recorded instead of slept."""
    from sandbox.transport import SandboxAdapter

    client = PowensClient(
        base_url=settings.POWENS_SANDBOX_BASE_URL,
        config_token=settings.POWENS_SANDBOX_TOKEN if token is None else token,
        sleep=sleeps.append,
        **{"max_retries": 2, "backoff": 0.5, **kwargs},
    )
    client.mount(settings.POWENS_SANDBOX_BASE_URL, SandboxAdapter())
    return client


@pytest.fixture
def sb(sleeps: list[float]) -> PowensClient:
    """The real client on the sandbox; use with ``small_sandbox`` (and ``faults``)."""
    reset_call_count()
    return sandbox_client(sleeps)
