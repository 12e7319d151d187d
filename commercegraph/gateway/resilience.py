"""Every adapter call runs under its backend's policy: circuit, bound, timeout, retries.

>>> resilience = Resilience("pricing", BackendPolicy(timeout_ms=500))
>>> rows = await resilience.run(lambda: adapter.price_rows(keys), read=True, record=record)
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from commercegraph.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    CircuitOpen,
    CommerceGraphError,
)
from commercegraph.gateway.bulkhead import Bulkhead
from commercegraph.gateway.circuit import CircuitBreaker, CircuitState
from commercegraph.gateway.classify import caller_error
from commercegraph.gateway.deadlines import Deadlines
from commercegraph.gateway.retry import RetryPolicy
from commercegraph.gateway.settings import BackendPolicy

T = TypeVar("T")
log = logging.getLogger("commercegraph.gateway")


@dataclass
class CallRecord:
    """What happened to one call, for its span and metrics."""

    attempts: int = 0
    circuit: str = CircuitState.CLOSED.value
    outcome: str = "ok"
    reached_backend: bool = False  # false for cache hits and calls refused by an open circuit


def _outcome(error: BaseException) -> str:
    if isinstance(error, CircuitOpen):
        return "circuit_open"
    if isinstance(error, BackendTimeout):
        return "timeout"
    return "error"


class Resilience:
    def __init__(
        self, backend: str, policy: BackendPolicy, rng: random.Random | None = None
    ) -> None:
        self.backend = backend
        self.timeout_s = policy.timeout_ms / 1000
        self.write_timeout_s = policy.write_timeout_ms / 1000
        self.breaker = CircuitBreaker(
            backend,
            failure_threshold=policy.failure_threshold,
            reset_after_s=policy.reset_after_s,
        )
        self.bulkhead = Bulkhead(backend, policy.max_concurrency)
        self.retry = RetryPolicy(
            attempts=policy.retries + 1,
            base_delay_s=policy.retry_base_ms / 1000,
            max_delay_s=policy.retry_max_ms / 1000,
            rng=rng or random.Random(),
        )
        self._deadlines: dict[float, Deadlines] = {}  # by timeout: reads' and writes'

    async def run(self, call: Callable[[], Awaitable[T]], *, read: bool, record: CallRecord) -> T:
        """Writes are tried once: a retried write could apply twice behind a lost reply."""
        attempts = self.retry.attempts if read else 1
        for attempt in range(1, attempts + 1):
            record.attempts = attempt
            try:
                record.circuit = self.breaker.before_call().value
            except CircuitOpen as exc:
                record.circuit, record.outcome = CircuitState.OPEN.value, "circuit_open"
                raise exc from None
            record.reached_backend = True
            try:
                return await self._attempt(call, self.timeout_s if read else self.write_timeout_s)
            except BackendError as error:
                self.breaker.record_failure()
                record.outcome = _outcome(error)
                # A timed-out backend is likely overloaded: retrying would add load and blow
                # the caller's latency budget, so only outright failures are retried.
                if attempt == attempts or isinstance(error, BackendTimeout):
                    raise
                await asyncio.sleep(self.retry.delay(attempt))
            except CommerceGraphError:
                # The backend answered (not found, bad input...): it is alive.
                self.breaker.record_success()
                record.outcome = "rejected"
                raise
            except BaseException:
                self.breaker.release_probe()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, call: Callable[[], Awaitable[T]], timeout_s: float) -> T:
        try:
            result = await self._bounded(call, timeout_s)
        except TimeoutError:
            raise BackendTimeout(
                self.backend,
                f"The {self.backend} backend did not answer within {timeout_s * 1000:.0f} ms",
            ) from None
        except (CommerceGraphError, asyncio.CancelledError):
            raise
        except Exception as exc:  # a driver or transport failure: the backend is unavailable
            refused = caller_error(exc)
            if refused is not None:
                log.info("%s backend refused the input: %r", self.backend, exc)
                raise refused from exc
            log.warning("%s backend call failed: %r", self.backend, exc)
            raise BackendUnavailable(self.backend) from exc
        self.breaker.record_success()
        return result

    async def _bounded(self, call: Callable[[], Awaitable[T]], timeout_s: float) -> T:
        """``async with asyncio.timeout(timeout_s), self.bulkhead``, without the coroutines of
        two context managers and a semaphore, nor a timer per call (see ``Deadlines``); the
        deadline's cancellation becomes ``TimeoutError`` as ``asyncio.timeout`` makes it."""
        task = asyncio.current_task()
        assert task is not None
        loop = task.get_loop()
        deadlines = self._deadlines.get(timeout_s)
        if deadlines is None or deadlines.loop is not loop:
            deadlines = self._deadlines[timeout_s] = Deadlines(loop, timeout_s)
        cancelling = task.cancelling()  # cancellations asked for before this call
        expiry = deadlines.start(task)
        try:
            bulkhead = self.bulkhead
            if not bulkhead.try_enter():
                await bulkhead.enter()  # the wait for a slot counts against the timeout
            try:
                return await call()
            finally:
                bulkhead.leave()
        except asyncio.CancelledError as exc:
            if expiry.fired:
                expiry.fired = False
                if task.uncancel() <= cancelling:  # nobody else asked to cancel meanwhile
                    raise TimeoutError from exc
            raise
        finally:
            deadlines.finish(expiry)
            if expiry.fired:  # the deadline passed as the call ended some other way
                task.uncancel()
