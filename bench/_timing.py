"""Latency and CPU measurement shared by the in-process GraphQL benchmarks."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

import httpx


def percentiles(samples: list[float], digits: int = 3) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, digits),
        "p95_ms": round(pick(0.95) * 1000, digits),
        "p99_ms": round(pick(0.99) * 1000, digits),
    }


def host_reference_ms(rounds: int = 5) -> float:
    """CPU of a fixed pure-Python workload (dict updates, calls, small strings), best of
    `rounds`: the host's own speed, which moves by tens of per cent between hours and
    machines, so that figures taken on different hosts can be set side by side."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        counts: dict[int, int] = {}
        total = 0
        for i in range(200_000):
            key = i & 1023
            counts[key] = counts.get(key, 0) + i
            total += len(str(i))
        best = min(best, time.process_time() - started)
    assert total and counts
    return round(best * 1000, 2)


def load_average() -> list[float]:
    """1, 5 and 15 minute load: the machine is shared, so every figure says how busy it was."""
    return [round(x, 2) for x in os.getloadavg()]


async def _post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, headers: Any
) -> None:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body["errors"]


async def measure(
    client: httpx.AsyncClient,
    query: str,
    token: str | None,
    n: int,
    digits: int = 3,
    *,
    variables: dict[str, Any] | None = None,
    in_flight: int = 1,
) -> dict[str, Any]:
    """POST `query` n times, `in_flight` at once: latency percentiles, requests per second,
    and this process's CPU per request (in-process runs: gateway plus the test client)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    samples: list[float] = []
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            await _post(client, query, variables, headers)
            samples.append(time.perf_counter() - start)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    figures = percentiles(samples, digits)
    return {
        **figures,
        "p99_over_p50": round(figures["p99_ms"] / figures["p50_ms"], 2),
        "cpu_ms_per_request": round(cpu / n * 1000, digits),
        "rps": round(n / wall, 1),
        "in_flight": in_flight,
        "iterations": n,
        "load_average": load_average(),
    }


if __name__ == "__main__":
    import json

    print(json.dumps({"host_reference_ms": host_reference_ms(), "load_average": load_average()}))
