"""HTTP and auth only: one pooled ``httpx.AsyncClient``, explicit timeouts.

The Store API takes the publishable key in ``x-publishable-api-key``; the Admin API takes a
JWT from ``POST /auth/user/emailpass``, refreshed through ``POST /auth/token/refresh``
shortly before it expires and fetched anew once when Medusa answers 401.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from decimal import Decimal
from typing import Any

import httpx

from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.medusa.errors import from_response, from_transport
from commercegraph.adapters.medusa.settings import MedusaSettings
from commercegraph.errors import BackendUnavailable

REFRESH_BEFORE_S = 60.0  # refresh the admin token this long before it expires


def _expiry(token: str) -> float:
    """The ``exp`` of a JWT (seconds since the epoch); 0 when it has none."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims.get("exp", 0))
    except (IndexError, ValueError, TypeError):
        return 0.0


class MedusaClient:
    def __init__(
        self,
        domain: str,
        settings: MedusaSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.domain = domain
        self.settings = settings
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=settings.max_connections,
            base_url=settings.url,
            transport=transport,
        )
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    async def store(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        headers = {"x-publishable-api-key": self.settings.publishable_key}
        return self._decode(await self._send(method, path, params, json, headers))

    async def priced_variants(self, skus: list[str], region_id: str) -> list[dict[str, Any]]:
        """The variants of ``skus`` with their price calculated for the region (Store API)."""
        body = await self.store(
            "GET",
            "/store/product-variants",
            params={
                "sku": skus,
                "region_id": region_id,
                "fields": "id,sku,*calculated_price",
                "limit": len(skus),
            },
        )
        variants: list[dict[str, Any]] = body["variants"]
        return variants

    async def admin(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        token = await self._admin_token()
        response = await self._send(method, path, params, json, _bearer(token))
        if response.status_code == 401:
            token = await self._admin_token(stale=token)
            response = await self._send(method, path, params, json, _bearer(token))
        return self._decode(response)

    async def _admin_token(self, stale: str | None = None) -> str:
        async with self._token_lock:
            if self._token is not None and self._token != stale:
                if self._token_expires == 0 or time.time() < self._token_expires - REFRESH_BEFORE_S:
                    return self._token
                refreshed = await self._send(
                    "POST", "/auth/token/refresh", None, None, _bearer(self._token)
                )
                if refreshed.status_code < 300:
                    return self._keep(self._decode(refreshed)["token"])
            body = {
                "email": self.settings.admin_email,
                "password": self.settings.admin_password.get_secret_value(),
            }
            answer = self._decode(await self._send("POST", "/auth/user/emailpass", None, body, {}))
            return self._keep(answer["token"])

    def _keep(self, token: str) -> str:
        self._token, self._token_expires = token, _expiry(token)
        return token

    async def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        body: Any,
        headers: dict[str, str],
    ) -> httpx.Response:
        try:
            return await self.http.request(method, path, params=params, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise from_transport(self.domain, exc) from exc

    def _decode(self, response: httpx.Response) -> Any:
        if response.status_code >= 300:
            raise from_response(self.domain, response)
        try:
            # Medusa sends amounts in major units as JSON numbers: keep them exact
            return response.json(parse_float=Decimal)
        except ValueError as exc:
            raise BackendUnavailable(self.domain, "The Medusa backend sent bad JSON") from exc

    async def aclose(self) -> None:
        await self.http.aclose()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
