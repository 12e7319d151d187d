"""What the guard counts per call: one backend call per outcome, and the guard's own tally."""

from __future__ import annotations

import time
from typing import Any

import pytest
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from commercegraph.errors import BackendUnavailable
from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.gateway.resilience import Resilience
from commercegraph.gateway.settings import BackendPolicy, OtelSettings
from commercegraph.telemetry import BACKEND_CALLS, BACKEND_ERRORS, configure_telemetry

OK = (("backend", "pricing"), ("operation", "price_rows"), ("outcome", "ok"))
FAILED = (("backend", "pricing"), ("operation", "price_rows"), ("outcome", "error"))
DURATION, BATCH = "commercegraph.backend.call.duration", "commercegraph.backend.batch.size"


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


def _histograms(
    reader: InMemoryMetricReader,
) -> dict[tuple[str, Any], tuple[int, float, list[int]]]:
    data = reader.get_metrics_data()
    found = {}
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name in (DURATION, BATCH):
                    for p in metric.data.data_points:
                        key = (metric.name, tuple(sorted(p.attributes.items())))
                        found[key] = (p.count, p.sum, list(p.bucket_counts))
    return found


async def test_each_call_reaches_a_reader_as_one_duration_and_one_batch_size() -> None:
    configure_telemetry(OtelSettings())
    provider = metrics.get_meter_provider()
    assert isinstance(provider, MeterProvider)
    reader = InMemoryMetricReader()
    provider.add_metric_reader(reader)
    try:
        before = _histograms(reader)
        inner = Pricing()
        policy = BackendPolicy(retries=0, failure_threshold=5)
        guard = GuardedAdapter("pricing", "native", inner, Resilience("pricing", policy), None)
        started = time.perf_counter()
        for keys in (["a"], ["a", "b"], ["k"] * 30):
            await guard.price_rows(keys)
        inner.failing = True
        with pytest.raises(BackendUnavailable):
            await guard.price_rows(["a"])
        elapsed = time.perf_counter() - started
        after = _histograms(reader)
    finally:
        provider.remove_metric_reader(reader)

    def added(key: tuple[str, Any]) -> tuple[int, float, list[int]]:
        count, total, buckets = after[key]
        was = before.get(key, (0, 0.0, [0] * len(buckets)))
        return count - was[0], total - was[1], [n - m for n, m in zip(buckets, was[2], strict=True)]

    ok_count, ok_seconds, ok_buckets = added((DURATION, OK))
    assert ok_count == 3 and 0 < ok_seconds <= elapsed and sum(ok_buckets) == 3
    assert added((DURATION, FAILED))[0] == 1
    sizes = added((BATCH, (("backend", "pricing"), ("operation", "price_rows"))))
    # buckets (1, 2, 5, 10, 20, 50, ...): sizes 1, 2, 30 and the failed call's 1
    assert sizes == (4, 34.0, [2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0])
