"""Calls under one timeout share a timer; each still ends at its own deadline, as with
``asyncio.timeout``, and the bulkhead queues callers first come, first served."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from commercegraph.errors import BackendTimeout
from commercegraph.gateway.bulkhead import Bulkhead
from commercegraph.gateway.resilience import CallRecord, Resilience
from commercegraph.gateway.settings import BackendPolicy


def _resilience(**policy: object) -> Resilience:
    return Resilience("inventory", BackendPolicy(retries=0, **policy), rng=random.Random(1))  # type: ignore[arg-type]


async def _hang() -> None:
    await asyncio.sleep(10)


async def _answer() -> None:
    await asyncio.sleep(0)


async def _timed(resilience: Resilience, start: float) -> float:
    with pytest.raises(BackendTimeout):
        await resilience.run(_hang, read=True, record=CallRecord())
    return time.monotonic() - start


async def test_each_call_times_out_at_its_own_deadline() -> None:
    resilience = _resilience(timeout_ms=60)
    start = time.monotonic()
    first = asyncio.create_task(_timed(resilience, start))
    await asyncio.sleep(0.04)
    later = asyncio.create_task(_timed(resilience, start))
    quick = await resilience.run(_answer, read=True, record=CallRecord())  # ends first
    assert quick is None
    first_s, later_s = await first, await later
    assert 0.06 <= first_s < 0.095
    assert 0.1 <= later_s < 0.14  # not cut short by the earlier call's timer


async def test_many_calls_time_out_together_and_leave_their_tasks_uncancelled() -> None:
    resilience = _resilience(timeout_ms=20, max_concurrency=4)
    start = time.monotonic()
    results = await asyncio.gather(*(_timed(resilience, start) for _ in range(10)))
    assert all(r >= 0.02 for r in results)
    assert resilience.bulkhead.in_flight == 0
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_call_that_answers_in_time_is_not_cancelled_later() -> None:
    resilience = _resilience(timeout_ms=20)
    for _ in range(50):
        assert await resilience.run(_answer, read=True, record=CallRecord()) is None
    await asyncio.sleep(0.05)  # past every deadline: the shared timer cancels nothing
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_caller_cancelling_the_call_is_not_a_timeout() -> None:
    resilience = _resilience(timeout_ms=20)
    call = asyncio.create_task(resilience.run(_hang, read=True, record=CallRecord()))
    await asyncio.sleep(0.005)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    await asyncio.sleep(0.03)  # the deadline passes with nothing left to cancel


async def test_the_wait_for_a_bulkhead_slot_counts_against_the_timeout() -> None:
    resilience = _resilience(timeout_ms=30, max_concurrency=1)
    blocker = asyncio.create_task(resilience.run(_hang, read=True, record=CallRecord()))
    await asyncio.sleep(0)
    start = time.monotonic()
    with pytest.raises(BackendTimeout):
        await resilience.run(_answer, read=True, record=CallRecord())
    assert time.monotonic() - start < 0.05
    with pytest.raises(BackendTimeout):
        await blocker
    assert resilience.bulkhead.in_flight == 0
    assert await resilience.run(_answer, read=True, record=CallRecord()) is None


async def test_bulkhead_serves_waiters_in_order_and_skips_the_cancelled() -> None:
    bulkhead = Bulkhead("wallet", limit=1)
    order: list[int] = []
    release = asyncio.Event()

    async def call(n: int) -> None:
        async with bulkhead:
            order.append(n)
            if n == 0:
                await release.wait()

    tasks = [asyncio.create_task(call(n)) for n in range(4)]
    await asyncio.sleep(0)
    assert order == [0] and bulkhead.in_flight == 1
    tasks[2].cancel()
    assert not bulkhead.try_enter()  # others are queued: no slot taken past them
    release.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert order == [0, 1, 3] and bulkhead.in_flight == 0
    assert bulkhead.try_enter()
    bulkhead.leave()


async def test_a_waiter_cancelled_as_it_is_handed_a_slot_passes_it_on() -> None:
    bulkhead = Bulkhead("wallet", limit=1)
    assert bulkhead.try_enter()
    waiter = asyncio.create_task(bulkhead.enter())
    after = asyncio.create_task(bulkhead.enter())
    await asyncio.sleep(0)
    bulkhead.leave()  # the slot goes to ``waiter``...
    waiter.cancel()  # ...which is cancelled before it runs
    await asyncio.gather(waiter, return_exceptions=True)
    await asyncio.wait_for(after, 1)
    assert bulkhead.in_flight == 1
    bulkhead.leave()
    assert bulkhead.in_flight == 0


async def test_a_call_that_swallows_its_deadline_answers_and_leaves_no_cancellation() -> None:
    async def stubborn() -> str:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            return "late"
        return "never"

    assert await _resilience(timeout_ms=10).run(stubborn, read=True, record=CallRecord()) == "late"
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
