"""Vendure's Shop and Admin GraphQL APIs over one pooled ``httpx.AsyncClient``, and auth only.

The Shop API is anonymous: a cart's session travels in the ``vendure-auth-token`` header
(Vendure answers with it when it opens a session, we send it back as a bearer token). The
Admin API logs in with the configured superadmin and keeps the token it is given; when
Vendure stops accepting it (``FORBIDDEN``), the client logs in again once and repeats the call.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from commercegraph.adapters.http import pooled_client
from commercegraph.adapters.vendure.errors import (
    from_graphql_errors,
    from_status,
    from_transport,
)
from commercegraph.errors import BackendUnavailable

if TYPE_CHECKING:
    from commercegraph.adapters.vendure import VendureSettings

TOKEN_HEADER = "vendure-auth-token"
CHANNEL_HEADER = "vendure-token"
LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    __typename
    ... on ErrorResult { errorCode message }
  }
}
"""


@dataclass(frozen=True, slots=True)
class ShopAnswer:
    data: dict[str, Any]
    token: str | None  # the session token Vendure sent back, if any


class VendureClient:
    def __init__(
        self,
        domain: str,
        settings: VendureSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.domain = domain
        self.settings = settings
        headers = {"Accept": "application/json", "User-Agent": "commercegraph"}
        if settings.channel_token:
            headers[CHANNEL_HEADER] = settings.channel_token
        self.http = pooled_client(
            timeout_ms=settings.timeout_ms,
            connect_timeout_ms=settings.connect_timeout_ms,
            max_connections=settings.max_connections,
            base_url=settings.url,
            headers=headers,
            transport=transport,
        )
        self._admin_token: str | None = None
        self._login_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _post(
        self, path: str, query: str, variables: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[dict[str, Any], httpx.Response]:
        try:
            response = await self.http.post(
                path,
                content=orjson.dumps({"query": query, "variables": variables or {}}),
                headers={"Content-Type": "application/json", **headers},
            )
        except httpx.HTTPError as exc:
            raise from_transport(self.domain, exc) from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 404):
            raise from_status(self.domain, response)
        try:
            body = orjson.loads(response.content)
        except ValueError as exc:
            raise BackendUnavailable(
                self.domain, f"The {self.domain} backend (Vendure) sent bad JSON"
            ) from exc
        if not isinstance(body, dict):
            raise BackendUnavailable(self.domain, "Vendure sent an answer that is not an object")
        return body, response

    async def shop(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        currency: str | None = None,
    ) -> ShopAnswer:
        """One Shop API call, in ``token``'s session when given, prices in ``currency``."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        path = "/shop-api" + (f"?currencyCode={currency}" if currency else "")
        body, response = await self._post(path, query, variables, headers)
        if body.get("errors"):
            raise from_graphql_errors(self.domain, body["errors"])
        return ShopAnswer(body.get("data") or {}, response.headers.get(TOKEN_HEADER))

    async def admin(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        channel_token: str | None = None,
    ) -> dict[str, Any]:
        """One Admin API call as the configured administrator (logging in when needed), in
        the channel of ``channel_token`` when given."""
        for attempt in range(2):
            token = await self._admin_session(renew=attempt > 0)
            headers = {"Authorization": f"Bearer {token}"}
            if channel_token:
                headers[CHANNEL_HEADER] = channel_token
            body, _ = await self._post("/admin-api", query, variables, headers)
            errors = body.get("errors") or []
            if errors and _forbidden(errors) and attempt == 0:
                continue
            if errors:
                raise from_graphql_errors(self.domain, errors)
            data = body.get("data") or {}
            assert isinstance(data, dict)
            return data
        raise BackendUnavailable(self.domain, "Vendure refused the administrator's credentials")

    async def _admin_session(self, *, renew: bool) -> str:
        stale = self._admin_token
        async with self._login_lock:
            if self._admin_token is not None and not (renew and self._admin_token == stale):
                return self._admin_token
            body, response = await self._post(
                "/admin-api",
                LOGIN,
                {
                    "username": self.settings.admin_username,
                    "password": self.settings.admin_password.get_secret_value(),
                },
                {},
            )
            login = (body.get("data") or {}).get("login") or {}
            token = str(response.headers.get(TOKEN_HEADER) or "")
            if body.get("errors") or login.get("__typename") != "CurrentUser" or not token:
                raise BackendUnavailable(
                    self.domain, "Vendure refused the administrator's credentials"
                )
            self._admin_token = token
            return token


def _forbidden(errors: list[dict[str, Any]]) -> bool:
    return any((e.get("extensions") or {}).get("code") == "FORBIDDEN" for e in errors)
