"""Latency measurement shared by the in-process GraphQL benchmarks."""

from __future__ import annotations

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


async def measure(
    client: httpx.AsyncClient, query: str, token: str | None, n: int, digits: int = 3
) -> dict[str, Any]:
    """POST `query` n times; latency percentiles, requests per second and iteration count."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = await client.post("/graphql", json={"query": query}, headers=headers)
        samples.append(time.perf_counter() - start)
        body = response.json()
        assert "errors" not in body, body["errors"]
    return {**percentiles(samples, digits), "rps": round(n / sum(samples), 1), "iterations": n}
