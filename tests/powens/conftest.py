"""A PowensClient against a `responses` mock, with sleeps recorded instead of slept."""

from collections.abc import Iterator

import pytest
import responses

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
