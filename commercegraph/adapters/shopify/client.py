"""GraphQL over HTTP to one shop: the Storefront and Admin APIs, auth and cost-based pacing.

The Admin API limits by calculated query cost, a leaky bucket per app and shop: a query runs
only when the bucket holds its ``requestedQueryCost``, and every answer reports the bucket in
``extensions.cost.throttleStatus``. The client keeps its own view of that bucket (what the
last answer said, refilled at ``restoreRate`` since, minus what is in flight) and waits on its
clock before sending a query the bucket cannot hold; a ``THROTTLED`` answer anyway (another
app of the shop, a wrong estimate) waits for the refill and retries, a bounded number of times.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from commercegraph.adapters.clock import Clock, SystemClock
from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.shopify.errors import (
    BACKEND,
    BackendThrottled,
    error_code,
    from_graphql_errors,
    from_status,
    from_transport,
)
from commercegraph.adapters.shopify.settings import ShopifySettings
from commercegraph.errors import BackendUnavailable

THROTTLE_RETRIES = 3  # THROTTLED answers retried per call before giving up (retryable)
# Until the first answer tells the real bucket: the smallest bucket Shopify documents
# (Standard plan), so a cold client never bursts past the real one.
INITIAL_BUCKET = 1000.0
INITIAL_RESTORE_RATE = 50.0
# waited for beyond a query's cost: the bucket's reported figures are rounded, and a query
# sent at exactly its cost may find a hair less
PACING_MARGIN = 1.0


@dataclass
class CostBucket:
    """The client's view of the Admin API's cost bucket."""

    maximum: float = INITIAL_BUCKET
    available: float = INITIAL_BUCKET
    restore_rate: float = INITIAL_RESTORE_RATE
    observed_at: float = 0.0
    in_flight: float = 0.0

    def level(self, now: float) -> float:
        refilled = self.available + self.restore_rate * max(now - self.observed_at, 0.0)
        return min(self.maximum, refilled) - self.in_flight

    def wait_for(self, cost: float, now: float) -> float:
        """Seconds until the bucket holds ``cost`` (capped at its size)."""
        deficit = min(cost + PACING_MARGIN, self.maximum) - self.level(now)
        return max(deficit, 0.0) / self.restore_rate if self.restore_rate > 0 else 0.0

    def observe(self, status: dict[str, Any], now: float) -> None:
        self.maximum = float(status.get("maximumAvailable", self.maximum))
        self.available = float(status.get("currentlyAvailable", self.available))
        self.restore_rate = float(status.get("restoreRate", self.restore_rate))
        self.observed_at = now


class ShopifyClient:
    def __init__(
        self,
        settings: ShopifySettings,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.bucket = CostBucket(observed_at=self.clock.monotonic())
        self._pacing = asyncio.Lock()
        self._requested_cost: dict[str, float] = {}  # operation -> largest requested cost seen
        base = settings.base_url
        version = settings.api_version
        self.storefront_url = f"{base}/api/{version}/graphql.json"
        self.admin_url = f"{base}/admin/api/{version}/graphql.json"
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=settings.max_connections,
            transport=transport,
        )

    async def storefront(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        token = self.settings.storefront_token.get_secret_value()
        body = await self._post(
            "Storefront",
            self.storefront_url,
            {"X-Shopify-Storefront-Access-Token": token},
            query,
            variables,
        )
        errors = body.get("errors")
        if errors:
            raise from_graphql_errors("Storefront", errors)
        return _data(body)

    async def admin(
        self, operation: str, query: str, variables: dict[str, Any], estimate: float
    ) -> dict[str, Any]:
        """Run an Admin query, paced on the cost bucket; ``estimate`` is its requested cost
        as far as the caller can tell (the largest cost Shopify reported for it wins)."""
        if self.settings.admin_token is None:
            raise BackendUnavailable(BACKEND, "CG_SHOPIFY__ADMIN_TOKEN is needed for this read")
        headers = {"X-Shopify-Access-Token": self.settings.admin_token.get_secret_value()}
        for attempt in range(THROTTLE_RETRIES + 1):
            cost = max(estimate, self._requested_cost.get(operation, 0.0))
            await self._reserve(cost)
            try:
                body = await self._post("Admin", self.admin_url, headers, query, variables)
            finally:
                self.bucket.in_flight -= cost
            extensions_cost = (body.get("extensions") or {}).get("cost") or {}
            status = extensions_cost.get("throttleStatus")
            if status:
                self.bucket.observe(status, self.clock.monotonic())
            requested = extensions_cost.get("requestedQueryCost")
            if requested is not None:
                self._requested_cost[operation] = max(
                    float(requested), self._requested_cost.get(operation, 0.0)
                )
            errors = body.get("errors") or []
            if errors and all(error_code(e) == "THROTTLED" for e in errors):
                if attempt == THROTTLE_RETRIES:
                    wait = self.bucket.wait_for(float(requested or cost), self.clock.monotonic())
                    raise BackendThrottled(BACKEND, "Shopify Admin API stayed throttled", wait)
                continue  # _reserve waits for the refill the answer just reported
            if errors:
                raise from_graphql_errors("Admin", errors)
            return _data(body)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _reserve(self, cost: float) -> None:
        async with self._pacing:
            wait = self.bucket.wait_for(cost, self.clock.monotonic())
            if wait > self.settings.max_throttle_wait_s:
                raise BackendThrottled(BACKEND, "Shopify Admin API cost bucket is empty", wait)
            if wait > 0:
                await self.clock.sleep(wait)
            self.bucket.in_flight += cost

    async def _post(
        self, api: str, url: str, headers: dict[str, str], query: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            response = await self.http.post(
                url,
                content=orjson.dumps({"query": query, "variables": variables}),
                headers={**headers, "Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise from_transport(api, exc) from exc
        if response.status_code != 200:
            raise from_status(api, response)
        try:
            body = orjson.loads(response.content)
        except ValueError as exc:
            raise BackendUnavailable(BACKEND, f"Shopify {api} API sent bad JSON") from exc
        if not isinstance(body, dict):
            raise BackendUnavailable(BACKEND, f"Shopify {api} API sent an unexpected body")
        return body

    async def aclose(self) -> None:
        await self.http.aclose()


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    if not isinstance(data, dict):
        raise BackendUnavailable(BACKEND, "Shopify answered without data")
    return data
