"""HubSpot's rate limit: the token bucket keeps within 100 requests per rolling 10 s, and
a 429 with ``Retry-After`` holds every request back for that long.

Answers are recordings written from HubSpot's public API reference (``recorded/README.md``:
batch upsert, the ``TEN_SECONDLY_ROLLING`` 429 body) replayed through ``httpx.MockTransport``;
time is a fake clock, so the test takes milliseconds.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from commercegraph.adapters.base import CustomerPropertyUpdate
from commercegraph.adapters.throttle import TokenBucket
from commercegraph.errors import BackendUnavailable
from tests.adapters.hubspot.conftest import FakeClock, Replay, adapter_for, answer

LIMIT, WINDOW_S = 100, 10.0
FLOAT_SLACK = 1e-6


def updates(count: int) -> list[CustomerPropertyUpdate]:
    return [
        CustomerPropertyUpdate(f"cus_{n:05d}", f"c{n}@example.com", {"lifetime_value": n})
        for n in range(count)
    ]


def assert_within_limit(times: list[float]) -> None:
    """No ``LIMIT + 1`` requests fall inside one window of ``WINDOW_S``."""
    for first, later in zip(times, times[LIMIT:], strict=False):
        assert later - first >= WINDOW_S - FLOAT_SLACK


async def test_a_burst_backs_off_and_stays_within_100_per_10_seconds(
    replay: Replay, clock: FakeClock
) -> None:
    adapter = adapter_for(replay, clock)
    started = clock.now

    written = await adapter.write_back(updates(150 * 100))

    assert written == 15_000
    times = [t for t, _ in replay.requests]
    assert len(times) == 150
    assert times[:10] == [started] * 10  # the burst goes at once
    assert times[10] > started  # then the bucket makes the rest wait
    assert_within_limit(times)
    # and it is not slower than it needs to be: 10 at once, then 9 a second
    assert times[-1] - started == pytest.approx(140 / 9)


async def test_a_429_holds_requests_for_retry_after_then_resends(
    replay: Replay, clock: FakeClock
) -> None:
    calls = {"n": 0}

    def limited_once(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 40:
            return answer("error_429_ten_secondly_rolling.json", 429, {"Retry-After": "3"})
        saved, replay.override = replay.override, None
        try:
            replay.requests.pop()  # the replay records it again
            return replay(request)
        finally:
            replay.override = saved

    replay.override = limited_once
    adapter = adapter_for(replay, clock)

    assert await adapter.write_back(updates(120 * 100)) == 12_000
    times = [t for t, _ in replay.requests]
    assert len(times) == 121  # the refused request was sent again
    refused_at = times[39]
    assert times[40] - refused_at >= 3.0
    assert_within_limit(times)


async def test_a_429_that_persists_fails_with_its_retry_after(
    replay: Replay, clock: FakeClock
) -> None:
    replay.override = lambda _: answer(
        "error_429_ten_secondly_rolling.json", 429, {"Retry-After": "2"}
    )
    adapter = adapter_for(replay, clock, rate_limit_retries=2)

    with pytest.raises(BackendUnavailable) as raised:
        await adapter.write_back(updates(5))
    assert raised.value.extensions["retry_after_s"] == 2.0
    assert len(replay.requests) == 3


async def test_a_retry_after_beyond_the_allowed_wait_is_not_waited_for(
    replay: Replay, clock: FakeClock
) -> None:
    replay.override = lambda _: answer(
        "error_429_ten_secondly_rolling.json", 429, {"Retry-After": "120"}
    )
    adapter = adapter_for(replay, clock)

    with pytest.raises(BackendUnavailable):
        await adapter.customers_by_id(["cus_devi"])
    assert len(replay.requests) == 1


async def test_concurrent_callers_share_the_bucket(clock: FakeClock) -> None:
    bucket = TokenBucket(LIMIT, WINDOW_S, 10, clock, clock.sleep)
    taken: list[float] = []

    async def take(n: int) -> None:
        for _ in range(n):
            await bucket.acquire()
            taken.append(clock.now)

    await asyncio.gather(*(take(60) for _ in range(5)))
    assert len(taken) == 300
    assert_within_limit(sorted(taken))


def test_a_bucket_whose_burst_is_the_whole_window_is_refused() -> None:
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(LIMIT, WINDOW_S, LIMIT)
