"""HTTP and auth only: the Content Delivery API over one pooled ``httpx.AsyncClient``, paced.

Every request takes a token from a bucket on the client's clock holding the space's budget
(55 uncached requests a second on the Community tier, Contentful's Technical Limits); a 429
empties the bucket for ``X-Contentful-RateLimit-Reset`` seconds and the request goes again,
a few times at most and only while that wait is short enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import orjson

from commercegraph.adapters.clock import Clock, SystemClock
from commercegraph.adapters.contentful.errors import (
    DOMAIN,
    RATE_LIMIT_HEADERS,
    from_response,
    from_transport,
)
from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.throttle import RetryPolicy, Throttle, TokenBucket
from commercegraph.errors import BackendUnavailable

if TYPE_CHECKING:
    from commercegraph.adapters.contentful import ContentfulSettings

MAX_CONNECTIONS = 20  # reads are batched per locale, so a handful of requests run at once
DEFAULT_RESET_S = 1.0  # a 429 naming no wait: Contentful's limit is per second


class ContentfulClient:
    def __init__(
        self,
        settings: ContentfulSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.prefix = f"/spaces/{settings.space_id}/environments/{settings.environment}"
        bucket = TokenBucket(
            settings.requests_per_second,
            1.0,
            settings.burst,
            self.clock.monotonic,
            self.clock.sleep,
        )
        policy = RetryPolicy(
            settings.rate_limit_retries,
            settings.max_rate_limit_wait_s,
            DEFAULT_RESET_S,
            RATE_LIMIT_HEADERS,
        )
        self.throttle = Throttle(bucket, policy)
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=MAX_CONNECTIONS,
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {settings.delivery_token.get_secret_value()}"},
            transport=transport,
        )

    async def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The decoded body of a 2xx answer to ``GET <environment><path>``; else our error."""

        async def attempt() -> httpx.Response:
            try:
                return await self.http.get(self.prefix + path, params=params)
            except httpx.HTTPError as exc:
                raise from_transport(exc) from exc

        response, waited = await self.throttle.send(attempt)
        if response.status_code >= 300:
            raise from_response(response, retry_after_s=waited)
        try:
            return orjson.loads(response.content)
        except ValueError as exc:
            raise BackendUnavailable(DOMAIN, "Contentful sent bad JSON") from exc

    async def aclose(self) -> None:
        await self.http.aclose()
