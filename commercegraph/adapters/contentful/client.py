"""HTTP and auth only: the Content Delivery API over one pooled ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from commercegraph.adapters.contentful.errors import DOMAIN, from_response, from_transport
from commercegraph.adapters.http import pooled_client
from commercegraph.errors import BackendUnavailable

if TYPE_CHECKING:
    from commercegraph.adapters.contentful import ContentfulSettings

MAX_CONNECTIONS = 20  # reads are batched per locale, so a handful of requests run at once

Sleep = Callable[[float], Awaitable[None]]


def retry_after_seconds(response: httpx.Response) -> float | None:
    """How long a 429 asks us to wait: Contentful's reset header, else ``Retry-After``."""
    for header in ("X-Contentful-RateLimit-Reset", "Retry-After"):
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            continue
    return None


class ContentfulClient:
    def __init__(
        self,
        settings: ContentfulSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        self.prefix = f"/spaces/{settings.space_id}/environments/{settings.environment}"
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=MAX_CONNECTIONS,
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {settings.delivery_token.get_secret_value()}"},
            transport=transport,
        )

    async def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The decoded body of a 2xx answer to ``GET <environment><path>``; else our error.

        A 429 is retried after the wait Contentful names, at most ``rate_limit_retries``
        times and only while that wait is within ``max_rate_limit_wait_s``.
        """
        retries = 0
        while True:
            try:
                response = await self.http.get(self.prefix + path, params=params)
            except httpx.HTTPError as exc:
                raise from_transport(exc) from exc
            if response.status_code == 429:
                wait = retry_after_seconds(response)
                delay = 1.0 if wait is None else wait
                if (
                    retries < self.settings.rate_limit_retries
                    and delay <= self.settings.max_rate_limit_wait_s
                ):
                    retries += 1
                    await self.sleep(delay)
                    continue
                raise from_response(response, retry_after=delay)
            if response.status_code >= 300:
                raise from_response(response)
            try:
                return orjson.loads(response.content)
            except ValueError as exc:
                raise BackendUnavailable(DOMAIN, "Contentful sent bad JSON") from exc

    async def aclose(self) -> None:
        await self.http.aclose()
