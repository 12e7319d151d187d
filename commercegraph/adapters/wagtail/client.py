"""HTTP only: one pooled ``httpx.AsyncClient`` for Wagtail's read-only REST API v2."""

from __future__ import annotations

from typing import Any

import httpx

from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.wagtail.errors import BACKEND, from_response, from_transport
from commercegraph.errors import BackendUnavailable

PAGES_PATH = "/api/v2/pages/"


class WagtailClient:
    def __init__(
        self,
        url: str,
        *,
        timeout_ms: int,
        connect_timeout_ms: int,
        max_connections: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.http = pooled_client(
            timeout_ms=timeout_ms,
            connect_timeout_ms=connect_timeout_ms,
            max_connections=max_connections,
            base_url=url,
            transport=transport,
        )

    async def pages(self, params: dict[str, str]) -> dict[str, Any] | None:
        """The decoded listing, or None when Wagtail answers 404 (nothing to find)."""
        try:
            response = await self.http.get(PAGES_PATH, params=params)
        except httpx.HTTPError as exc:
            raise from_transport(exc) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise from_response(response)
        try:
            body = response.json()
        except ValueError as exc:
            raise BackendUnavailable(BACKEND, "Wagtail sent a body that is not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise BackendUnavailable(BACKEND, "Wagtail sent a listing without items")
        return body

    async def aclose(self) -> None:
        await self.http.aclose()
