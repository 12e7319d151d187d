"""A circuit breaker per backend: closed → open after repeated failures → half-open probe.

>>> breaker = CircuitBreaker(failure_threshold=3, reset_after_s=5.0)
>>> breaker.before_call()          # raises CircuitOpen while open
>>> breaker.record_success() / breaker.record_failure()
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from commercegraph.errors import CircuitOpen


class CircuitState(StrEnum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


class CircuitBreaker:
    """Counts consecutive failures; while open, calls fail fast without reaching the backend.

    After ``reset_after_s`` one probe call is let through (half-open): its success closes the
    circuit, its failure opens it again for another ``reset_after_s``.
    """

    def __init__(
        self,
        backend: str,
        *,
        failure_threshold: int,
        reset_after_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.failure_threshold = failure_threshold
        self.reset_after_s = reset_after_s
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self.probing = False

    @property
    def state(self) -> CircuitState:
        if self.opened_at is None:
            return CircuitState.CLOSED
        if self.clock() - self.opened_at >= self.reset_after_s:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def before_call(self) -> CircuitState:
        """The state the call runs under; raises ``CircuitOpen`` when it must not run."""
        state = self.state
        if state is CircuitState.OPEN or (state is CircuitState.HALF_OPEN and self.probing):
            raise CircuitOpen(self.backend, f"The {self.backend} backend's circuit is open")
        if state is CircuitState.HALF_OPEN:
            self.probing = True
        return state

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.probing = False

    def record_failure(self) -> None:
        self.failures += 1
        if self.probing or self.failures >= self.failure_threshold:
            self.opened_at = self.clock()
        self.probing = False

    def release_probe(self) -> None:
        """A probe that ended without a verdict (e.g. bad input) frees the slot."""
        self.probing = False
