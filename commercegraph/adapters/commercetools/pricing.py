"""commercetools prices through price selection: the price the platform picks for a buyer.

Product projection search with ``priceCurrency`` (and ``priceCountry``, ``priceCustomerGroup``,
``priceChannel`` from the settings) selects one price per variant as ``scopedPrice`` (embedded
or standalone prices alike); its tiers become rows with their minimum quantities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from commercegraph.adapters.base import PriceRow
from commercegraph.adapters.commercetools import mapping
from commercegraph.adapters.commercetools.client import CommercetoolsClient

SKUS_PER_SEARCH = 100


class CommercetoolsPricing:
    capabilities = frozenset({"pricing.prices"})

    def __init__(self, client: CommercetoolsClient) -> None:
        self.client = client
        self.settings = client.settings

    def _selection(self, currency: str) -> list[tuple[str, str | int]]:
        params: list[tuple[str, str | int]] = [("priceCurrency", currency)]
        country = self.settings.markets.get(currency)
        if country:
            params.append(("priceCountry", country))
        if self.settings.price_customer_group:
            params.append(("priceCustomerGroup", self.settings.price_customer_group))
        if self.settings.price_channel:
            params.append(("priceChannel", self.settings.price_channel))
        return params

    def _rows(self, sku: str, currency: str, price: dict[str, Any]) -> list[PriceRow]:
        value = price["value"]
        if value["currencyCode"] != currency:
            return []
        base = PriceRow(
            sku=sku,
            currency=currency,
            amount=mapping.minor_units(value),
            channel=(price.get("channel") or {}).get("id"),
            customer_group=(price.get("customerGroup") or {}).get("id"),
            min_quantity=1,
            valid_from=mapping.time(price.get("validFrom")),
            valid_until=mapping.time(price.get("validUntil")),
        )
        rows = [base]
        for tier in price.get("tiers") or ():
            rows.append(
                replace(
                    base,
                    amount=mapping.minor_units(tier["value"]),
                    min_quantity=int(tier["minimumQuantity"]),
                )
            )
        return rows

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        by_currency: dict[str, set[str]] = defaultdict(set)
        for sku, currency in keys:
            if sku:
                by_currency[currency].add(sku)
        rows: dict[tuple[str, str], list[PriceRow]] = {}
        for currency, skus in sorted(by_currency.items()):
            ordered = sorted(skus)
            for start in range(0, len(ordered), SKUS_PER_SEARCH):
                chunk = ordered[start : start + SKUS_PER_SEARCH]
                body = await self.client.batch_read(
                    "/product-projections/search",
                    [
                        ("filter", "variants.sku:" + ",".join(mapping.quote(s) for s in chunk)),
                        *self._selection(currency),
                        ("limit", len(chunk)),
                        ("staged", "false"),
                    ],
                )
                for node in body["results"]:
                    for variant in [node.get("masterVariant") or {}, *(node.get("variants") or ())]:
                        sku = variant.get("sku")
                        price = variant.get("scopedPrice") or variant.get("price")
                        if sku in skus and price:
                            rows[(sku, currency)] = self._rows(sku, currency, price)
        return [list(rows.get(k, ())) for k in keys]

    async def aclose(self) -> None:
        await self.client.aclose()
