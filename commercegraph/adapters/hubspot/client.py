"""HTTP and auth only: HubSpot's API over one pooled ``httpx.AsyncClient``, throttled.

Every request takes a token from the account-wide bucket (100 per 10 s by default) and
search requests one from the search bucket too (HubSpot allows five a second). A 429 empties
the bucket for its ``Retry-After`` and the request is sent again, a few times at most.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.hubspot.errors import DOMAIN, from_response, from_transport
from commercegraph.adapters.throttle import RetryPolicy, Sleep, Throttle, TokenBucket
from commercegraph.errors import BackendUnavailable

if TYPE_CHECKING:
    from commercegraph.adapters.hubspot import HubSpotSettings

MAX_CONNECTIONS = 10  # the rate limit, not the pool, bounds throughput
SEARCH_PER_SECOND = 5  # HubSpot's limit on CRM search requests per account
DEFAULT_RETRY_AFTER_S = 1.0  # a 429 without Retry-After: HubSpot's windows are seconds long


class HubSpotClient:
    def __init__(
        self,
        settings: HubSpotSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        now = clock or time.monotonic
        self.bucket = TokenBucket(
            settings.requests_per_window, settings.window_seconds, settings.burst, now, sleep
        )
        self.throttle = Throttle(
            self.bucket,
            RetryPolicy(
                settings.rate_limit_retries, settings.max_retry_after_s, DEFAULT_RETRY_AFTER_S
            ),
        )
        self.search_bucket = TokenBucket(SEARCH_PER_SECOND, 1.0, 1, now, sleep)
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=MAX_CONNECTIONS,
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {settings.token.get_secret_value()}"},
            transport=transport,
        )

    async def post(
        self,
        path: str,
        body: Any,
        *,
        params: dict[str, str] | None = None,
        search: bool = False,
    ) -> Any:
        """The decoded body of a 2xx answer (207 multi-status included); else our error."""
        content = orjson.dumps(body)

        async def attempt() -> httpx.Response:
            try:
                return await self.http.post(
                    path,
                    content=content,
                    params=params,
                    headers={"Content-Type": "application/json"},
                )
            except httpx.HTTPError as exc:
                raise from_transport(exc) from exc

        also = (self.search_bucket,) if search else ()
        response, waited = await self.throttle.send(attempt, also)
        if response.status_code >= 300:
            raise from_response(response, retry_after_s=waited)
        try:
            return orjson.loads(response.content)
        except ValueError as exc:
            raise BackendUnavailable(DOMAIN, "HubSpot sent bad JSON") from exc

    async def aclose(self) -> None:
        await self.http.aclose()
