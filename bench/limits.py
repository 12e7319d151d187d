"""What the hardening costs per request: the document limits and the rate limiter.

Prints one JSON object: median microseconds to check Devi's full journey against the
depth, alias, directive, token and cost limits (no caches); what refusing a 20-level
fragment fan-out costs against a trivial query, both through the whole schema with every
limit and a fresh document each time (so no cache answers); and the token bucket's speed
in process and, when Redis answers on 127.0.0.1, through its Lua script.
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

from graphql import parse, specified_rules, validate

from commercegraph.config import Settings
from commercegraph.limits import limit_extensions
from commercegraph.limits.aliases import aliases_rule
from commercegraph.limits.cost import estimate_cost
from commercegraph.limits.depth import depth_rule
from commercegraph.limits.directives import directives_rule
from commercegraph.limits.tokens import count_tokens
from commercegraph.schema import build_schema
from commercegraph.security.ratelimit import LocalLimiter, RedisLimiter

ITERATIONS = 2000
FAN_OUT_ITERATIONS = 200
FAN_OUT_LEVELS = 20
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


def fan_out(levels: int, name: str) -> str:
    """Each fragment spreads the one below it four times (no aliases)."""
    leaf = "fragment F0 on Query { stores(first: 1) { name } }"
    lines = [f"query {name} {{ ...F{levels} }}", leaf]
    for level in range(1, levels + 1):
        lines.append(f"fragment F{level} on Query {{ {' '.join([f'...F{level - 1}'] * 4)} }}")
    return "\n".join(lines)


async def fan_out_figures(settings: Settings) -> dict[str, Any]:
    schema = build_schema(extensions=limit_extensions(settings))

    async def median(document: Callable[[int], str], expected: str | None) -> float:
        samples = []
        for i in range(FAN_OUT_ITERATIONS):
            query = document(i)
            start = time.perf_counter()
            result = await schema.execute(query)
            samples.append(time.perf_counter() - start)
            codes = [(e.extensions or {}).get("code") for e in result.errors or []]
            assert codes == ([expected] if expected else []), codes
        return round(statistics.median(samples) * 1e6, 1)

    trivial = await median(lambda i: f"query Trivial{i} {{ __typename }}", None)
    refused = await median(
        lambda i: fan_out(FAN_OUT_LEVELS, f"FanOut{i}"), "COST_ESTIMATED_TOO_EXPENSIVE"
    )
    deep = parse(fan_out(FAN_OUT_LEVELS, "FanOut"))
    rules = [
        depth_rule(settings.limit_depth),
        aliases_rule(settings.limit_aliases),
        directives_rule(settings.limit_directives),
    ]
    limits_only = median_us(
        lambda: (
            validate(schema._schema, deep, rules),
            estimate_cost(schema._schema, deep, None, {}, settings.limit_cost_list_size),
        ),
        FAN_OUT_ITERATIONS,
    )
    every_rule = [*specified_rules, *rules]

    def parsed_and_validated(query: str) -> Callable[[], Any]:
        return lambda: validate(schema._schema, parse(query), every_rule)

    return {
        "fan_out_levels": FAN_OUT_LEVELS,
        "fan_out_parse_validate_us": median_us(
            parsed_and_validated(fan_out(FAN_OUT_LEVELS, "FanOut")), FAN_OUT_ITERATIONS
        ),
        "journey_parse_validate_us": median_us(parsed_and_validated(JOURNEY), FAN_OUT_ITERATIONS),
        "fan_out_limits_only_us": limits_only,
        "fan_out_characters": len(fan_out(FAN_OUT_LEVELS, "FanOut0")),
        "fan_out_refused_us": refused,
        "trivial_query_us": trivial,
        "fan_out_over_trivial": round(refused / trivial, 1),
    }


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
        **asyncio.run(fan_out_figures(settings)),
        **asyncio.run(limiter_figures()),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
