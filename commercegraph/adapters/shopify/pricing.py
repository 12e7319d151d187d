"""Shopify prices in the buyer's market: the variant's price under ``@inContext(country:)``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from commercegraph.adapters.base import PriceRow
from commercegraph.adapters.shopify import queries
from commercegraph.adapters.shopify.client import ShopifyClient
from commercegraph.adapters.shopify.errors import batch_read
from commercegraph.adapters.shopify.mapping import minor_units
from commercegraph.adapters.shopify.skus import variants_by_sku


class ShopifyPricing:
    capabilities = frozenset({"pricing.prices"})

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    @batch_read(list)
    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        """One row per ``(sku, currency)`` the currency's market prices; a currency no
        market sells in (or a market that converts to another currency) gives none."""
        markets = self.client.settings.markets
        priced = [k for k in keys if k[1] in markets]
        if not priced:
            return [[] for _ in keys]
        refs = await variants_by_sku(self.client, [sku for sku, _ in priced])
        by_currency: dict[str, set[str]] = defaultdict(set)
        for sku, currency in priced:
            if sku in refs:
                by_currency[currency].add(refs[sku].variant_id)
        rows: dict[tuple[str, str], PriceRow] = {}
        for currency, variant_ids in sorted(by_currency.items()):
            data = await self.client.storefront(
                queries.VARIANT_PRICES,
                {
                    "ids": sorted(variant_ids),
                    "country": markets[currency],
                    "language": self.client.settings.language,
                },
            )
            for node in data["nodes"]:
                price = (node or {}).get("price")
                if not price or price["currencyCode"] != currency or not node.get("sku"):
                    continue
                rows[(node["sku"], currency)] = PriceRow(
                    sku=node["sku"],
                    currency=currency,
                    amount=minor_units(price["amount"], currency),
                    channel=None,
                    customer_group=None,
                    min_quantity=1,
                    valid_from=None,
                    valid_until=None,
                )
        return [[rows[k]] if k in rows else [] for k in keys]

    async def aclose(self) -> None:
        await self.client.aclose()
