"""What the guard counts per call: one backend call per outcome, and the guard's own tally."""

from __future__ import annotations

from typing import Any

import pytest

from commercegraph.errors import BackendUnavailable
from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.gateway.resilience import Resilience
from commercegraph.gateway.settings import BackendPolicy
from commercegraph.telemetry import BACKEND_CALLS, BACKEND_ERRORS

OK = (("backend", "pricing"), ("operation", "price_rows"), ("outcome", "ok"))
FAILED = (("backend", "pricing"), ("operation", "price_rows"), ("outcome", "error"))


class Pricing:
    def __init__(self) -> None:
        self.failing = False

    async def price_rows(self, keys: list[str], *args: Any) -> list[None]:
        if self.failing:
            raise ConnectionError("refused")
        return [None for _ in keys]


async def test_each_call_is_counted_once_under_its_outcome() -> None:
    inner = Pricing()
    policy = BackendPolicy(retries=0, failure_threshold=5)
    guard = GuardedAdapter("pricing", "native", inner, Resilience("pricing", policy), None)
    calls_before, errors_before = BACKEND_CALLS.totals(), BACKEND_ERRORS.totals()
    for _ in range(3):
        assert await guard.price_rows(["a", "b"]) == [None, None]
    inner.failing = True
    with pytest.raises(BackendUnavailable):
        await guard.price_rows(["a"])
    calls, errors = BACKEND_CALLS.totals(), BACKEND_ERRORS.totals()
    assert calls.get(OK, 0) - calls_before.get(OK, 0) == 3
    assert calls.get(FAILED, 0) - calls_before.get(FAILED, 0) == 1
    assert errors.get(FAILED, 0) - errors_before.get(FAILED, 0) == 1
    assert errors.get(OK, 0) == errors_before.get(OK, 0)
    assert guard.calls["price_rows"] == 4 and guard.last_outcome == "error"
