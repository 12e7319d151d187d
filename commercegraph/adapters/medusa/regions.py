"""Which Medusa region sells in which currency, read once and kept for the adapter's life.

Medusa prices a cart by its region; the gateway speaks of currencies. Configured region ids
(``CG_MEDUSA__REGIONS``) win; otherwise the first region of each currency is used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from commercegraph.adapters.medusa.client import MedusaClient
from commercegraph.errors import BadUserInput


class Regions:
    def __init__(self, client: MedusaClient, configured: Mapping[str, str]) -> None:
        self.client = client
        self.configured = {currency.upper(): region for currency, region in configured.items()}
        self._regions: list[dict[str, Any]] | None = None
        self._lock = asyncio.Lock()

    async def _all(self) -> list[dict[str, Any]]:
        async with self._lock:
            if self._regions is None:
                body = await self.client.store(
                    "GET",
                    "/store/regions",
                    params={"fields": "id,currency_code,*countries", "limit": 200},
                )
                self._regions = list(body["regions"])
            return self._regions

    async def region_id(self, currency: str) -> str:
        wanted = currency.upper()
        if wanted in self.configured:
            return self.configured[wanted]
        for region in await self._all():
            if str(region["currency_code"]).upper() == wanted:
                return str(region["id"])
        raise BadUserInput(f"Medusa has no region selling in {currency}", argument="currency")

    async def country_code(self, region_id: str) -> str:
        for region in await self._all():
            if region["id"] == region_id and region.get("countries"):
                return str(region["countries"][0]["iso_2"])
        raise BadUserInput(f"Medusa region {region_id} has no country", argument="currency")
