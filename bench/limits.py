"""What the hardening costs per request: the document limits and the rate limiter.

Prints one JSON object: median microseconds to check Devi's full journey against the
depth, alias, directive, token and cost limits (no caches), and the token bucket's
speed in process and, when Redis answers on 127.0.0.1, through its Lua script.
Bounded: a fixed number of iterations; Redis keys use a random prefix and are deleted.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

from graphql import parse, validate

from commercegraph.config import Settings
from commercegraph.limits.aliases import aliases_rule
from commercegraph.limits.cost import estimate_cost
from commercegraph.limits.depth import depth_rule
from commercegraph.limits.directives import directives_rule
from commercegraph.limits.tokens import count_tokens
from commercegraph.schema import build_schema
from commercegraph.security.ratelimit import LocalLimiter, RedisLimiter

ITERATIONS = 2000
REDIS_URL = os.environ.get("CG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

JOURNEY = """query DeviFullJourney { me { displayName email
  identities { kind value source } consent { marketingEmail personalization }
  wallet { balance { amount currency formatted } paymentMethods { kind label isDefault }
    transactions(first: 5) { edges { node { kind amount { formatted } createdAt } } } }
  loyalty { points tier pointsToNextTier pendingPoints }
  orders(first: 5) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { placedAt channel total { formatted } store { name }
      lines { quantity product { name
        price(channel: MOBILE_APP) { base { formatted } final { formatted } }
        availability(near: { lat: 45.519, lon: -122.679 }, radiusKm: 10) { pickupEligible
          stores(first: 3) { store { name } distanceKm level { availableToPromise status } } }
      } } } } }
  recentlyViewed(first: 3) { name
    availability(near: { lat: 45.519, lon: -122.679 }) { stores(first: 3) { store { name } } } }
} }"""


def median_us(fn: Callable[[], Any], iterations: int = ITERATIONS) -> float:
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1e6, 1)


async def limiter_figures() -> dict[str, Any]:
    local = LocalLimiter(rate=1e9, burst=10**9)
    start = time.perf_counter()
    for i in range(ITERATIONS * 10):
        await local.hit(f"caller-{i % 1000}")
    figures: dict[str, Any] = {
        "local_hits_per_second": round(ITERATIONS * 10 / (time.perf_counter() - start))
    }
    prefix = f"cg-bench-{secrets.token_hex(6)}:"
    try:
        limiter = RedisLimiter.from_url(REDIS_URL, rate=1e6, burst=10**6, prefix=prefix)
        await limiter.client.ping()
    except Exception as exc:  # no Redis here: report why instead of a figure
        return {**figures, "redis": f"unavailable: {exc!r}"}
    samples = []
    for i in range(ITERATIONS):
        begin = time.perf_counter()
        await limiter.hit(f"caller-{i % 100}")
        samples.append(time.perf_counter() - begin)
    keys = [k async for k in limiter.client.scan_iter(match=f"{prefix}*")]
    if keys:
        await limiter.client.delete(*keys)
    await limiter.aclose()
    samples.sort()
    figures["redis_p50_ms"] = round(samples[len(samples) // 2] * 1000, 3)
    figures["redis_p99_ms"] = round(samples[int(len(samples) * 0.99)] * 1000, 3)
    return figures


def main() -> None:
    settings = Settings()
    schema = build_schema()._schema
    document = parse(JOURNEY)
    rules = [
        depth_rule(settings.limit_depth),
        aliases_rule(settings.limit_aliases),
        directives_rule(settings.limit_directives),
    ]
    assert not validate(schema, document, rules)
    cost = estimate_cost(schema, document, None, {}, settings.limit_cost_list_size)
    result = {
        "benchmark": "limits",
        "journey_characters": len(JOURNEY),
        "journey_tokens": count_tokens(JOURNEY, 10_000),
        "journey_estimated_cost": cost,
        "depth_aliases_directives_us": median_us(lambda: validate(schema, document, rules)),
        "cost_estimate_us": median_us(
            lambda: estimate_cost(schema, document, None, {}, settings.limit_cost_list_size)
        ),
        "token_count_uncached_us": median_us(
            lambda: count_tokens.__wrapped__(JOURNEY, settings.limit_tokens)
        ),
        "token_count_cached_us": median_us(lambda: count_tokens(JOURNEY, settings.limit_tokens)),
        **asyncio.run(limiter_figures()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
