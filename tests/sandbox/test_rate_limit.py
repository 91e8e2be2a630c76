"""The published fair-usage figure (30 calls/minute), enforced when asked: 429
``tooManyRequests`` with ``Retry-After``, per client, over a sliding minute."""

from unittest import mock

from django.core.management import call_command

from sandbox.rate_limit import RateLimiter, limiter

BNP = "f711dd7a-6289-5bda-b3a4-f2febda8c046"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_thirty_a_minute_then_wait_until_the_oldest_call_leaves_the_window():
    clock = Clock()
    rate = RateLimiter(clock)
    rate.per_minute = 30
    for second in range(30):
        clock.now = 1000.0 + second
        assert rate.wait_for("a") is None
    clock.now = 1030.0
    assert rate.wait_for("a") == 30  # the first call (t=1000) leaves the window at t=1060
    assert rate.wait_for("b") is None  # each client has its own budget
    clock.now = 1059.5
    assert rate.wait_for("a") == 1  # refused calls did not count; never "0 seconds"
    clock.now = 1060.0
    assert rate.wait_for("a") is None
    assert rate.wait_for("a") == 1


def test_zero_means_no_limit():
    rate = RateLimiter(Clock())
    rate.per_minute = 0
    assert all(rate.wait_for("a") is None for _ in range(1000))


def test_the_sandbox_answers_429_with_retry_after_beyond_the_setting(
    session, base_url, small_sandbox, settings, fresh_limiter
):
    settings.POWENS_SANDBOX_RATE_LIMIT = 3
    statuses = [session.get(f"{base_url}/connectors/{BNP}").status_code for _ in range(3)]
    refused = session.get(f"{base_url}/connectors")
    assert statuses == [200, 200, 200] and refused.status_code == 429
    assert refused.json()["code"] == "tooManyRequests"
    assert isinstance(refused.json()["request_id"], int)
    assert int(refused.headers["Retry-After"]) in range(1, 61)


def test_no_limit_by_default(session, base_url, small_sandbox, fresh_limiter):
    assert all(session.get(f"{base_url}/connectors").status_code == 200 for _ in range(40))


def test_sandbox_server_takes_the_limit_on_its_command_line(small_sandbox, fresh_limiter):
    with mock.patch(
        "sandbox.server.ThreadedWSGIServer.serve_forever", side_effect=KeyboardInterrupt
    ):
        call_command("sandbox_server", "--port", "0", "--rate-limit", "30")
    assert limiter.limit() == 30
