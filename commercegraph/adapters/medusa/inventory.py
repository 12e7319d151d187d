"""Medusa stock locations, inventory levels and prices as our records.

A stock location seeded for the gateway carries its gateway id and store facts (kind,
coordinates, pickup) in metadata; one without them is a Medusa-only location and keeps its
Medusa id. Prices are what Medusa calculates for the currency's region (price lists
included), plus the variant's quantity tiers in that currency; ``tax_included`` is Medusa's
own answer for the region.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from commercegraph.adapters.base import LocationRecord, PriceRow, StockRecord
from commercegraph.adapters.medusa.catalog import minor
from commercegraph.adapters.medusa.client import MedusaClient
from commercegraph.adapters.medusa.regions import Regions

LOCATION_FIELDS = "id,name,+metadata,*address,fulfillment_sets.id,fulfillment_sets.type"
PICKUP = "pickup"  # Medusa's fulfillment-set type for buy online, pick up in store
GROUP_RULE = "customer.groups.id"  # the price-list rule Medusa's own pricing applies by group
GATEWAY_GROUP = "commercegraph_group"  # customer-group metadata: the gateway's group name
PRICE_LIST_LIMIT = 100
PRICE_LIST_FIELDS = (
    "id,status,starts_at,ends_at,price_list_rules.value,price_list_rules.attribute,"
    "+prices.amount,+prices.currency_code,+prices.min_quantity,"
    "+prices.price_set.variant.id"
)


def groups_only(rules: Mapping[str, Any]) -> bool:
    """A list the gateway can express: limited to customer groups and nothing else."""
    return set(rules) == {GROUP_RULE}


def _when(raw: Any) -> datetime | None:
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None


def offers_pickup(location: Mapping[str, Any]) -> bool:
    return any(fs.get("type") == PICKUP for fs in location.get("fulfillment_sets") or [])


def to_location(location: Mapping[str, Any]) -> LocationRecord:
    metadata = location.get("metadata") or {}
    address = location.get("address") or {}
    formatted = ", ".join(
        str(part)
        for part in (address.get("address_1"), address.get("city"), address.get("postal_code"))
        if part
    )
    return LocationRecord(
        id=str(metadata.get("commercegraph_id") or location["id"]),
        name=str(location["name"]),
        kind=str(metadata.get("kind") or "WAREHOUSE"),
        lat=float(metadata.get("lat") or 0),
        lon=float(metadata.get("lon") or 0),
        region=str(metadata.get("region") or address.get("country_code") or ""),
        address=str(metadata.get("address") or formatted),
        can_ship=bool(metadata.get("can_ship", True)),
        can_pickup=offers_pickup(location) or bool(metadata.get("can_pickup", False)),
    )


class MedusaInventory:
    capabilities: ClassVar[frozenset[str]] = frozenset({"inventory.locations", "inventory.stock"})

    def __init__(self, client: MedusaClient) -> None:
        self.client = client

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _medusa_locations(self) -> list[dict[str, Any]]:
        body = await self.client.admin(
            "GET", "/admin/stock-locations", params={"fields": LOCATION_FIELDS, "limit": 1000}
        )
        found: list[dict[str, Any]] = body["stock_locations"]
        return found

    async def locations(self) -> list[LocationRecord]:
        records = [to_location(location) for location in await self._medusa_locations()]
        return sorted(records, key=lambda r: r.id)

    async def locations_by_id(self, ids: Sequence[str]) -> list[LocationRecord | None]:
        by_id: dict[str, LocationRecord] = {}
        for location in await self._medusa_locations():
            record = to_location(location)
            by_id[record.id] = by_id[str(location["id"])] = record
        return [by_id.get(i) for i in ids]

    async def stock(self, skus: Sequence[str]) -> list[list[StockRecord]]:
        if not skus:
            return []
        locations, body = await asyncio.gather(
            self._medusa_locations(),
            self.client.admin(
                "GET",
                "/admin/inventory-items",
                params={
                    "sku": list(dict.fromkeys(skus)),
                    "fields": "id,sku,*location_levels",
                    "limit": len(skus),
                },
            ),
        )
        ours = {str(loc["id"]): to_location(loc).id for loc in locations}
        by_sku: dict[str, list[StockRecord]] = {}
        for item in body["inventory_items"]:
            by_sku[str(item["sku"])] = sorted(
                (
                    StockRecord(
                        sku=str(item["sku"]),
                        location_id=ours.get(str(level["location_id"]), str(level["location_id"])),
                        on_hand=int(level["stocked_quantity"]),
                        reserved=int(level["reserved_quantity"]),
                        safety_stock=int((level.get("metadata") or {}).get("safety_stock") or 0),
                    )
                    for level in item.get("location_levels") or []
                ),
                key=lambda row: row.location_id,
            )
        return [by_sku.get(sku, []) for sku in skus]


class MedusaPricing:
    capabilities: ClassVar[frozenset[str]] = frozenset({"pricing.prices"})

    def __init__(self, client: MedusaClient, regions: Regions) -> None:
        self.client = client
        self.regions = regions

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _rows(self, currency: str, skus: list[str]) -> dict[str, list[PriceRow]]:
        region_id = await self.regions.region_id(currency)
        calculated, raw = await asyncio.gather(
            self.client.priced_variants(skus, region_id),
            self.client.admin(
                "GET",
                "/admin/product-variants",
                params={"sku": skus, "fields": "id,sku,*prices", "limit": len(skus)},
            ),
        )
        rows: dict[str, list[PriceRow]] = {}
        tax_included: dict[str, bool | None] = {}
        for variant in calculated:
            price = variant.get("calculated_price") or {}
            if price.get("calculated_amount") is None:
                continue
            sku = str(variant["sku"])
            tax_included[sku] = price.get("is_calculated_price_tax_inclusive")
            rows[sku] = [
                PriceRow(
                    sku=sku,
                    currency=currency,
                    amount=minor(price["calculated_amount"]),
                    channel=None,
                    customer_group=None,
                    min_quantity=1,
                    valid_from=None,
                    valid_until=None,
                    tax_included=tax_included[sku],
                )
            ]
        for variant in raw["variants"]:
            sku = str(variant["sku"])
            for price in variant.get("prices") or []:
                tier = int(price.get("min_quantity") or 1)
                if str(price["currency_code"]).upper() != currency or tier <= 1 or sku not in rows:
                    continue
                rows[sku].append(
                    PriceRow(
                        sku=sku,
                        currency=currency,
                        amount=minor(price["amount"]),
                        channel=None,
                        customer_group=None,
                        min_quantity=tier,
                        valid_from=None,
                        valid_until=None,
                        tax_included=tax_included[sku],
                    )
                )
        ids = {str(v["id"]): str(v["sku"]) for v in raw["variants"]}
        for row in await self._price_list_rows(currency, ids, tax_included):
            if row.sku in rows:
                rows[row.sku].append(row)
        for found in rows.values():
            found.sort(key=lambda row: (row.customer_group or "", row.min_quantity))
        return rows

    async def _price_list_rows(
        self, currency: str, sku_by_variant: Mapping[str, str], tax_included: Mapping[str, Any]
    ) -> list[PriceRow]:
        """The active customer-group price lists' prices of these variants in the currency."""
        body = await self.client.admin(
            "GET",
            "/admin/price-lists",
            params={
                "status[]": ["active"],  # Medusa wants a list, even of one
                "fields": PRICE_LIST_FIELDS,
                "limit": PRICE_LIST_LIMIT,
            },
        )
        lists = [pl for pl in body["price_lists"] if groups_only(pl.get("rules") or {})]
        group_ids = sorted({g for pl in lists for g in pl["rules"][GROUP_RULE]})
        names = await self._group_names(group_ids) if group_ids else {}
        found: list[PriceRow] = []
        for price_list in lists:
            for group_id in price_list["rules"][GROUP_RULE]:
                if group_id not in names:
                    continue
                for price in price_list.get("prices") or []:
                    sku = sku_by_variant.get(str(price.get("variant_id")))
                    if sku is None or str(price["currency_code"]).upper() != currency:
                        continue
                    found.append(
                        PriceRow(
                            sku=sku,
                            currency=currency,
                            amount=minor(price["amount"]),
                            channel=None,
                            customer_group=names[group_id],
                            min_quantity=int(price.get("min_quantity") or 1),
                            valid_from=_when(price_list.get("starts_at")),
                            valid_until=_when(price_list.get("ends_at")),
                            tax_included=tax_included.get(sku),
                        )
                    )
        return found

    async def _group_names(self, ids: Sequence[str]) -> dict[str, str]:
        """The gateway's name of each Medusa customer group: its metadata's, else its own."""
        body = await self.client.admin(
            "GET",
            "/admin/customer-groups",
            params={"id": list(ids), "fields": "id,name,+metadata", "limit": len(ids)},
        )
        return {
            str(g["id"]): str((g.get("metadata") or {}).get(GATEWAY_GROUP) or g["name"])
            for g in body["customer_groups"]
        }

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        by_currency: dict[str, list[str]] = {}
        for sku, currency in keys:
            by_currency.setdefault(currency.upper(), [])
            if sku not in by_currency[currency.upper()]:
                by_currency[currency.upper()].append(sku)
        currencies = list(by_currency)
        found = await asyncio.gather(*(self._rows(c, by_currency[c]) for c in currencies))
        rows = dict(zip(currencies, found, strict=True))
        return [rows[currency.upper()].get(sku, []) for sku, currency in keys]
