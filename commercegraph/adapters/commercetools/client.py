"""HTTP and auth only: OAuth 2.0 client credentials and one pooled client for the project.

A token is fetched from the auth server on first use and refreshed ``REFRESH_MARGIN_S``
before it expires (measured on the injected clock); a 401 from the API (the token was
revoked or expired early) fetches a new one and retries that request once. Every API request
takes a token from a bucket on the same clock (``requests_per_second``); a 429 empties it for
the answer's ``Retry-After`` and the request goes again, a few times at most.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import httpx
import orjson

from commercegraph.adapters.clock import Clock, SystemClock
from commercegraph.adapters.commercetools.errors import (
    BACKEND,
    from_response,
    from_transport,
    vendor_error,
)
from commercegraph.adapters.commercetools.settings import CommercetoolsSettings
from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.throttle import RetryPolicy, Throttle, TokenBucket
from commercegraph.errors import BackendUnavailable, NotFound

log = logging.getLogger("commercegraph.adapters.commercetools")

REFRESH_MARGIN_S = 300.0  # renew this long before expiry: a request in flight never carries
# a token that lapses on the way (tokens live 48 h by default)

Params = Sequence[tuple[str, str | int]]


class CommercetoolsClient:
    def __init__(
        self,
        settings: CommercetoolsSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.base = f"{settings.api_url.rstrip('/')}/{settings.project_key}"
        self.token_url = f"{settings.auth_url.rstrip('/')}/oauth/token"
        self._token: str | None = None
        self._expires_at = 0.0
        self._token_lock = asyncio.Lock()
        self.tokens_fetched = 0
        bucket = TokenBucket(
            settings.requests_per_second,
            1.0,
            settings.burst,
            self.clock.monotonic,
            self.clock.sleep,
        )
        self.throttle = Throttle(
            bucket, RetryPolicy(settings.rate_limit_retries, settings.max_retry_after_s)
        )
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=settings.max_connections,
            transport=transport,
        )

    async def token(self, *, renew: bool = False) -> str:
        async with self._token_lock:
            fresh = self._token is not None and (
                self.clock.monotonic() < self._expires_at - REFRESH_MARGIN_S
            )
            if fresh and not renew and self._token is not None:
                return self._token
            self._token = await self._fetch_token()
            return self._token

    async def _fetch_token(self) -> str:
        form = {"grant_type": "client_credentials"}
        if self.settings.scopes:
            form["scope"] = self.settings.scopes
        try:
            response = await self.http.post(
                self.token_url,
                data=form,
                auth=(
                    self.settings.client_id.get_secret_value(),
                    self.settings.client_secret.get_secret_value(),
                ),
            )
        except httpx.HTTPError as exc:
            raise from_transport(exc) from exc
        if response.status_code != 200:
            code, message, _ = vendor_error(response)
            raise BackendUnavailable(
                BACKEND,
                f"commercetools refused the API client ({response.status_code} {code}): {message}",
                vendor_status=response.status_code,
            )
        body = orjson.loads(response.content)
        self.tokens_fetched += 1
        self._expires_at = self.clock.monotonic() + float(body.get("expires_in", 0))
        return str(body["access_token"])

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
    ) -> Any:
        """The decoded body of a 2xx answer; anything else raises our error."""
        response, waited = await self._paced(method, path, params, json, renew=False)
        if response.status_code == 401:
            response, waited = await self._paced(method, path, params, json, renew=True)
            if response.status_code == 401:
                code, message, _ = vendor_error(response)
                raise BackendUnavailable(
                    BACKEND,
                    f"commercetools refused a fresh token ({code}): {message}",
                    vendor_status=401,
                )
        if response.status_code >= 300:
            raise from_response(response, retry_after_s=waited)
        try:
            return orjson.loads(response.content)
        except ValueError as exc:
            raise BackendUnavailable(BACKEND, "commercetools sent bad JSON") from exc

    async def batch_read(self, path: str, params: Params) -> Any:
        """``GET`` of a page of resources for a batch read: a 404 (no such project or
        endpoint) holds none of the keys, so it is an empty page, never an error."""
        try:
            return await self.request("GET", path, params=params)
        except NotFound:
            log.warning("commercetools: %s answered 404 (project or endpoint missing)", path)
            return {"results": [], "total": 0}

    async def _paced(
        self, method: str, path: str, params: Params | None, json: Any, *, renew: bool
    ) -> tuple[httpx.Response, float | None]:
        token = await self.token(renew=renew)
        return await self.throttle.send(lambda: self._send(method, path, params, json, token))

    async def _send(
        self, method: str, path: str, params: Params | None, json: Any, token: str
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        content = None
        if json is not None:
            content = orjson.dumps(json)
            headers["Content-Type"] = "application/json"
        try:
            return await self.http.request(
                method,
                f"{self.base}{path}",
                params=list(params) if params else None,
                content=content,
                headers=headers,
            )
        except httpx.HTTPError as exc:
            raise from_transport(exc) from exc

    async def aclose(self) -> None:
        await self.http.aclose()
