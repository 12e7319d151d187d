"""Acme CMS entries as CommerceGraph content records, over one pooled HTTP client."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.errors import BackendTimeout, BackendUnavailable, BadUserInput, Conflict

REFUSALS = {400: BadUserInput, 409: Conflict, 422: BadUserInput}


class AcmeContent:
    capabilities = frozenset({"content.entries"})

    def __init__(self, url: str, token: str | None, timeout_s: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout_s)

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        skus = list(dict.fromkeys(k.sku for k in keys if k.entity_type == "product" and k.sku))
        found = dict(zip(skus, await asyncio.gather(*map(self._locales, skus)), strict=True))
        return [pick(found.get(k.sku or ""), k.locale) for k in keys]

    async def _locales(self, sku: str) -> dict[str, Any] | None:
        try:
            response = await self.http.get(f"/entries/{sku}")
        except httpx.TimeoutException as exc:
            raise BackendTimeout("content", "The Acme CMS timed out") from exc
        except httpx.HTTPError as exc:
            raise BackendUnavailable("content", "The Acme CMS is unreachable") from exc
        if response.status_code == 404:
            return None
        if response.status_code in REFUSALS:
            raise REFUSALS[response.status_code](f"The Acme CMS refused: {response.text[:200]}")
        if response.status_code != 200:
            raise BackendUnavailable("content", f"The Acme CMS answered {response.status_code}")
        try:
            locales: dict[str, Any] = response.json()["locales"]
        except (ValueError, KeyError, TypeError) as exc:
            raise BackendUnavailable("content", "The Acme CMS sent a malformed entry") from exc
        return locales

    async def aclose(self) -> None:
        await self.http.aclose()


def pick(locales: dict[str, Any] | None, locale: str) -> ContentRecord | None:
    """The entry in ``locale``, else in another locale of its language, else None."""
    if not locales:
        return None
    language = locale.split("-")[0]
    chosen = (
        locale
        if locale in locales
        else next((other for other in sorted(locales) if other.split("-")[0] == language), None)
    )
    if chosen is None:
        return None
    entry = locales[chosen]
    return ContentRecord(entry["title"], entry["body"], tuple(entry.get("images", ())), chosen)
