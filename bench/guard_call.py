"""What one guarded backend call costs: ``python bench/guard_call.py [--calls 20000]``.

Prints one JSON object: µs of CPU per call on an in-memory adapter that answers at once,
inside a request whose trace is not sampled (the default: no span exporter), with the SDK
meter provider the gateway installs. ``adapter`` is the bare adapter, ``resilience`` the call
through ``Resilience.run`` (circuit, bulkhead, timeout), ``guard`` the whole
``GuardedAdapter`` (span decision, resilience, metrics).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _timing import load_average
from opentelemetry import trace

from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.gateway.resilience import CallRecord, Resilience
from commercegraph.gateway.settings import BackendPolicy, OtelSettings
from commercegraph.telemetry import configure_telemetry
from commercegraph.telemetry.graphql import tracer


class Pricing:
    async def price_rows(self, keys: list[str], *args: Any) -> list[None]:
        return [None for _ in keys]


async def _per_call_us(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    for _ in range(calls // 10):  # warm: label sets, caches, the SDK's aggregations
        await call()
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(calls):
            await call()
        best = min(best, (time.process_time() - start) / calls * 1e6)
    return round(best, 2)


async def main(calls: int) -> dict[str, Any]:
    configure_telemetry(OtelSettings())
    inner = Pricing()
    policy = BackendPolicy()
    resilience = Resilience("pricing", policy)
    guard = GuardedAdapter("pricing", "native", inner, Resilience("pricing", policy), None)
    keys = ["a", "b"]
    with tracer.start_as_current_span("request") as request:
        assert not request.is_recording() and request.get_span_context().is_valid
        assert trace.get_current_span() is request
        adapter = await _per_call_us(lambda: inner.price_rows(keys), calls)
        through = await _per_call_us(
            lambda: resilience.run(lambda: inner.price_rows(keys), read=True, record=CallRecord()),
            calls,
        )
        guarded = await _per_call_us(lambda: guard.price_rows(keys), calls)
    return {
        "calls": calls,
        "adapter_us": adapter,
        "resilience_us": through,
        "guard_us": guarded,
        "load_average": load_average(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    print(json.dumps(asyncio.run(main(parser.parse_args().calls))))
