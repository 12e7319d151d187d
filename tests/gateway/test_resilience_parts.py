"""Circuit breaker, retries, timeouts and the concurrency bound, on fakes and a fake clock."""

from __future__ import annotations

import asyncio
import random

import pytest

from commercegraph.errors import BackendTimeout, BackendUnavailable, CircuitOpen, NotFound
from commercegraph.gateway.bulkhead import Bulkhead
from commercegraph.gateway.circuit import CircuitBreaker, CircuitState
from commercegraph.gateway.resilience import CallRecord, Resilience
from commercegraph.gateway.retry import RetryPolicy
from commercegraph.gateway.settings import BackendPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_circuit_closed_open_half_open_closed() -> None:
    clock = Clock()
    breaker = CircuitBreaker("pricing", failure_threshold=2, reset_after_s=5, clock=clock)
    assert breaker.before_call() is CircuitState.CLOSED
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpen) as refused:
        breaker.before_call()
    assert refused.value.extensions == {"backend": "pricing"}
    clock.now += 5
    assert breaker.before_call() is CircuitState.HALF_OPEN
    with pytest.raises(CircuitOpen):  # one probe at a time
        breaker.before_call()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED and breaker.failures == 0


def test_a_failed_probe_opens_the_circuit_again() -> None:
    clock = Clock()
    breaker = CircuitBreaker("content", failure_threshold=3, reset_after_s=1, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 1
    assert breaker.before_call() is CircuitState.HALF_OPEN
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    clock.now += 0.5
    assert breaker.state is CircuitState.OPEN


def test_retry_delays_are_jittered_and_bounded() -> None:
    policy = RetryPolicy(attempts=4, base_delay_s=0.02, max_delay_s=0.05, rng=random.Random(7))
    delays = [policy.delay(n) for n in (1, 2, 3, 1, 2, 3)]
    assert all(0 <= d <= 0.05 for d in delays)
    assert delays[0] <= 0.02 and len(set(delays)) == len(delays)


def _resilience(**policy: object) -> Resilience:
    settings = {"retry_base_ms": 1, "retry_max_ms": 2, **policy}
    return Resilience("inventory", BackendPolicy(**settings), rng=random.Random(1))  # type: ignore[arg-type]


async def test_reads_are_retried_writes_are_not() -> None:
    tries = 0

    async def flaky() -> str:
        nonlocal tries
        tries += 1
        if tries < 3:
            raise BackendUnavailable("inventory")
        return "ok"

    record = CallRecord()
    assert await _resilience(retries=2).run(flaky, read=True, record=record) == "ok"
    assert tries == 3 and record.attempts == 3
    tries = 0
    with pytest.raises(BackendUnavailable):
        await _resilience(retries=2).run(flaky, read=False, record=CallRecord())
    assert tries == 1


async def test_timeouts_are_not_retried_and_map_to_backend_timeout() -> None:
    tries = 0

    async def hang() -> None:
        nonlocal tries
        tries += 1
        await asyncio.sleep(10)

    record = CallRecord()
    with pytest.raises(BackendTimeout) as timed_out:
        await _resilience(timeout_ms=20, retries=2).run(hang, read=True, record=record)
    assert tries == 1 and record.outcome == "timeout"
    assert timed_out.value.extensions["backend"] == "inventory"


async def test_client_errors_do_not_trip_the_circuit_and_driver_errors_do() -> None:
    resilience = _resilience(failure_threshold=2, retries=0)

    async def missing() -> None:
        raise NotFound("no such sku")

    async def broken() -> None:
        raise ConnectionResetError("peer went away")

    for _ in range(3):
        with pytest.raises(NotFound):
            await resilience.run(missing, read=True, record=CallRecord())
    assert resilience.breaker.state is CircuitState.CLOSED
    for _ in range(2):
        with pytest.raises(BackendUnavailable):
            await resilience.run(broken, read=True, record=CallRecord())
    record = CallRecord()
    with pytest.raises(CircuitOpen):
        await resilience.run(missing, read=True, record=record)
    assert record.outcome == "circuit_open" and not record.reached_backend


async def test_bulkhead_bounds_concurrent_calls() -> None:
    bulkhead = Bulkhead("wallet", limit=3)
    peak = 0

    async def call() -> None:
        nonlocal peak
        async with bulkhead:
            peak = max(peak, bulkhead.in_flight)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(call() for _ in range(12)))
    assert peak == 3 and bulkhead.in_flight == 0


async def test_writes_get_their_own_longer_timeout() -> None:
    async def slow_write() -> str:
        await asyncio.sleep(0.05)
        return "written"

    resilience = _resilience(timeout_ms=10, write_timeout_ms=1_000)
    assert await resilience.run(slow_write, read=False, record=CallRecord()) == "written"
    with pytest.raises(BackendTimeout):
        await resilience.run(slow_write, read=True, record=CallRecord())


def test_native_adapters_wait_longer_unless_told_otherwise() -> None:
    default = BackendPolicy()
    assert default.for_adapter("rest") is default
    native = default.for_adapter("native")
    assert native.timeout_ms == native.write_timeout_ms == 30_000
    explicit = BackendPolicy(timeout_ms=100).for_adapter("native")
    assert explicit.timeout_ms == 100 and explicit.write_timeout_ms == 30_000
