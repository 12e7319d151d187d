"""HTTP and auth only: one pooled ``httpx.AsyncClient`` per backend, explicit timeouts."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.rest.errors import from_response, from_transport
from commercegraph.errors import BackendUnavailable
from commercegraph.gateway.settings import BackendPolicy, RestBackend


class RestClient:
    def __init__(
        self,
        domain: str,
        backend: RestBackend,
        policy: BackendPolicy,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not backend.url:
            raise ValueError(f"CG_REST__{domain.upper()}__URL must be set for the rest adapter")
        self.domain = domain
        self.endpoint = backend.url.rstrip("/")
        headers = {"Accept": "application/json", "User-Agent": "commercegraph"}
        if backend.token:
            headers["Authorization"] = f"Bearer {backend.token}"
        self.http = pooled_client(
            # the resilience layer holds the per-call budget; this is the transport's own guard
            timeout_ms=max(policy.timeout_ms, policy.write_timeout_ms),
            connect_timeout_ms=backend.connect_timeout_ms,
            max_connections=backend.max_connections,
            base_url=self.endpoint,
            headers=headers,
            transport=transport,
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The decoded JSON body of a 2xx answer; anything else raises our error."""
        sent = dict(headers or {})
        content = None
        if json is not None:
            content = orjson.dumps(json)
            sent["Content-Type"] = "application/json"
        try:
            response = await self.http.request(
                method,
                path,
                params=params,
                content=content,
                headers=sent,  # traceparent: the httpx instrumentation adds it
            )
        except httpx.HTTPError as exc:
            raise from_transport(self.domain, exc) from exc
        if response.status_code >= 300:
            raise from_response(self.domain, response)
        try:
            return orjson.loads(response.content)
        except ValueError as exc:  # orjson.JSONDecodeError is one
            raise BackendUnavailable(
                self.domain, f"The {self.domain} backend sent bad JSON"
            ) from exc

    async def aclose(self) -> None:
        await self.http.aclose()
