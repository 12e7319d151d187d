"""HTTP to Strapi's REST API: one pooled client, the bearer API token, explicit timeouts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from commercegraph.adapters.strapi.errors import from_response, from_transport
from commercegraph.adapters.strapi.settings import StrapiSettings


class StrapiClient:
    def __init__(
        self, settings: StrapiSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=settings.url.rstrip("/") + "/api",
            headers={
                "Authorization": f"Bearer {settings.token.get_secret_value()}",
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
            ),
            transport=transport,
        )

    async def get(self, path: str, params: Mapping[str, str]) -> Any | None:
        """The decoded JSON body of ``GET /api/<path>``; None when Strapi answers 404."""
        try:
            response = await self._http.get(path, params=dict(params))
        except httpx.HTTPError as exc:
            raise from_transport(exc) from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 300:
            raise from_response(response)
        try:
            return response.json()
        except ValueError as exc:
            raise from_response(response) from exc

    async def aclose(self) -> None:
        await self._http.aclose()
