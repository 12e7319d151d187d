"""The Admin API's cost-based rate limit, on a fake clock injected into the client.

The bucket below is a simulation of the leaky bucket Shopify documents for the GraphQL Admin
API (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits and
https://shopify.dev/docs/api/usage/limits#the-leaky-bucket-algorithm): a query runs only if
the bucket holds its requested cost, the unused part of the requested cost is refunded,
the bucket refills at ``restoreRate`` per second up to ``maximumAvailable``, and every answer
reports ``extensions.cost.throttleStatus``; a query the bucket cannot hold is answered with a
``THROTTLED`` error. Answers are shaped like the recorded ones in ``recorded/``, replayed
through ``httpx.MockTransport``; time is the fake clock's, so nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.shopify import ShopifyClient, ShopifyInventory
from commercegraph.adapters.shopify.client import PACING_MARGIN
from commercegraph.adapters.shopify.errors import BackendThrottled
from tests.adapters.shopify.conftest import recorded_settings

pytestmark = pytest.mark.recorded

MAXIMUM, RESTORE_RATE = 1000.0, 50.0  # the Standard plan's bucket in Shopify's examples
REQUESTED, ACTUAL = 302.0, 120.0  # a page of locations: requested worst case, actual cost


class LeakyBucketShop:
    """A shop's Admin endpoint whose only behaviour is the documented cost bucket."""

    def __init__(self, clock: FakeClock, available: float) -> None:
        self.clock = clock
        self.available = available
        self.at = clock.monotonic()
        self.accepted: list[float] = []  # when each query ran
        self.throttled = 0
        self.lowest = available

    def level(self) -> float:
        now = self.clock.monotonic()
        self.available = min(MAXIMUM, self.available + RESTORE_RATE * (now - self.at))
        self.at = now
        return self.available

    def status(self) -> dict[str, float]:
        return {
            "maximumAvailable": MAXIMUM,
            "currentlyAvailable": self.available,
            "restoreRate": RESTORE_RATE,
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/admin/api/2025-01/graphql.json"
        assert "query Locations" in json.loads(request.content)["query"]
        if self.level() < REQUESTED:
            self.throttled += 1
            cost = {"requestedQueryCost": REQUESTED, "actualQueryCost": None}
            body: dict[str, object] = {
                "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                "extensions": {"cost": {**cost, "throttleStatus": self.status()}},
            }
            return httpx.Response(200, json=body)
        self.available -= ACTUAL  # requested is held, the unused part refunded at once
        self.lowest = min(self.lowest, self.available)
        self.accepted.append(self.clock.monotonic())
        page = {"nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
        cost = {"requestedQueryCost": REQUESTED, "actualQueryCost": ACTUAL}
        return httpx.Response(
            200,
            json={
                "data": {"locations": page},
                "extensions": {"cost": {**cost, "throttleStatus": self.status()}},
            },
        )


def inventory_on(shop: LeakyBucketShop, clock: FakeClock, **settings: float) -> ShopifyInventory:
    own = recorded_settings().model_copy(update=settings)
    return ShopifyInventory(
        ShopifyClient(own, transport=httpx.MockTransport(shop.handle), clock=clock)
    )


def spent_within_budget(accepted: list[float], start: float) -> bool:
    """By every query's start the bucket had refilled enough to hold all run so far."""
    return all((n + 1) * ACTUAL <= start + RESTORE_RATE * t + 1e-6 for n, t in enumerate(accepted))


async def test_a_burst_is_paced_on_the_bucket_and_never_throttled() -> None:
    clock = FakeClock()
    shop = LeakyBucketShop(clock, available=MAXIMUM)
    inventory = inventory_on(shop, clock)
    results = await asyncio.gather(*(inventory.locations() for _ in range(30)))
    assert results == [[]] * 30
    assert shop.throttled == 0
    assert len(shop.accepted) == 30
    assert shop.lowest >= 0
    assert spent_within_budget(shop.accepted, MAXIMUM)
    # paced, not stalled: 30 x 120 points from a full 1,000 bucket refilling at 50/s needs
    # (3600 - 1000 + 302 - 120) / 50 = 55.6 s at least; the client's estimate costs a little more
    assert 50 <= clock.now <= 80
    await inventory.aclose()


async def test_a_drained_bucket_throttles_once_then_waits_for_the_refill() -> None:
    clock = FakeClock()
    shop = LeakyBucketShop(clock, available=40.0)  # another app of the shop spent it
    inventory = inventory_on(shop, clock)
    assert await inventory.locations() == []
    assert shop.throttled == 1
    assert len(shop.accepted) == 1
    # the answer said 40 of 302 were there: 262 (+1 point of margin) / 50 = 5.26 s, no more
    assert clock.slept == [pytest.approx((262 + PACING_MARGIN) / RESTORE_RATE)]
    assert shop.lowest >= 0
    await inventory.aclose()


async def test_an_empty_bucket_beyond_the_wait_limit_is_a_retryable_error() -> None:
    clock = FakeClock()
    shop = LeakyBucketShop(clock, available=0.0)
    inventory = inventory_on(shop, clock, max_throttle_wait_s=2.0)
    with pytest.raises(BackendThrottled) as raised:
        await inventory.locations()
    assert raised.value.retry_after_s == pytest.approx((302 + PACING_MARGIN) / RESTORE_RATE)
    assert shop.throttled == 1 and shop.accepted == []
    assert clock.now == 0  # gave up at once rather than hold the caller for six seconds
    await inventory.aclose()
