"""Everything personalisation reads from other domains, each behind one narrow function.

Prices, stock, segments, catalog relations, co-purchases and carts belong to other parts
of the gateway; when one of them changes (rule-aware prices, mined bundles, a cart
service) only the function here that reads it needs to follow.

Reads go through ``PersonalPorts.reads``, the request's loaders, so that what many fields
ask for becomes one batch call per backend; a job or an event handler builds its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from commercegraph.adapters.base import (
    BasketQuery,
    BundleRecord,
    CartActivityRecord,
    CartRecord,
    CommerceBackend,
    ConsentRecord,
    CustomerBackend,
    LocationRecord,
    LoyaltyRecord,
    Page,
    ProductRecord,
    ProductSearch,
    PurchasedLine,
    RecentViewsQuery,
    SegmentRecord,
    StockRecord,
)
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.loaders import Loaders
from commercegraph.services.inventory import AvailabilityResult
from commercegraph.services.recommendations import CoPurchase, co_purchases
from commercegraph.usecases.availability import availability

BASKET_SAMPLE = 500  # recent baskets per anchor: enough for stable shares, bounded cost
ACCESSORY = "ACCESSORY"

# The caller's unit price of a product on a channel in the default currency; None when
# the product has none.
PersonalPrice = Callable[[ProductRecord, str], Awaitable[int | None]]


@dataclass(frozen=True, slots=True)
class PersonalPorts:
    """Batched reads, the customer port (offers, shopping lists), the commerce port
    (carts) and the settings that shape personalisation."""

    reads: Loaders
    customer: CustomerBackend
    commerce: CommerceBackend
    settings: Settings

    @classmethod
    def of(
        cls, registry: AdapterRegistry, settings: Settings, reads: Loaders | None = None
    ) -> PersonalPorts:
        return cls(reads or Loaders(registry), registry.customer, registry.commerce, settings)


async def products_by_sku(ports: PersonalPorts, skus: list[str]) -> list[ProductRecord]:
    """The products still in the catalog, in the order asked."""
    found = await asyncio.gather(*(ports.reads.product_by_sku.load(s) for s in skus))
    return [p for p in found if p is not None]


async def availability_near(
    ports: PersonalPorts,
    sku: str,
    channel: str,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
) -> AvailabilityResult:
    stock: list[StockRecord]
    locations: list[LocationRecord]
    stock, locations = await asyncio.gather(
        ports.reads.stock.load(sku), ports.reads.all_locations.load("*")
    )
    return availability(
        ports.settings, stock, locations, channel=channel, near=near, radius_km=radius_km
    )


async def in_stock_for_channel(ports: PersonalPorts, sku: str, channel: str) -> bool:
    """Online channels need online stock; the store channel needs some store's stock."""
    result = await availability_near(ports, sku, channel)
    return bool(result.stores) if channel == "STORE" else result.online_atp > 0


async def segment_keys(ports: PersonalPorts, customer_id: str) -> list[str]:
    segments: list[SegmentRecord] = await ports.reads.segments.load(customer_id)
    return [s.key for s in segments]


async def accessories_of(ports: PersonalPorts, product: ProductRecord) -> list[str]:
    ids: list[str] = await ports.reads.related_products.load((product.id, ACCESSORY))
    return ids


async def frequently_bought_with(
    ports: PersonalPorts, product: ProductRecord
) -> dict[str, CoPurchase]:
    """Skus bought in the same orders as the product, computed from recent baskets."""
    baskets: list[tuple[str, ...]] = await ports.reads.baskets.load(
        BasketQuery(product.sku, BASKET_SAMPLE)
    )
    return co_purchases(product.sku, baskets)


async def mined_partners(ports: PersonalPorts, product: ProductRecord) -> set[str]:
    """Skus that ``commercegraph mine-bundles`` found in frequently-bought-together sets
    with the product (support and lift over the whole order history)."""
    bundles: list[BundleRecord] = await ports.reads.bundles_for_product.load(product.id)
    return {
        c.sku
        for b in bundles
        if b.kind == "FREQUENTLY_BOUGHT_TOGETHER"
        for c in b.components
        if c.sku != product.sku
    }


async def bundle_partners(ports: PersonalPorts, product: ProductRecord) -> dict[str, str]:
    """Sku -> bundle name, for the other components of every bundle holding the product:
    the curated kits say what goes with it as plainly as the mined sets do."""
    bundles: list[BundleRecord] = await ports.reads.bundles_for_product.load(product.id)
    partners: dict[str, str] = {}
    for b in bundles:
        for c in b.components:
            if c.sku != product.sku:
                partners.setdefault(c.sku, b.name)
    return partners


async def recently_viewed(ports: PersonalPorts, customer_id: str, first: int) -> list[str]:
    skus: list[str] = await ports.reads.recently_viewed.load(RecentViewsQuery(customer_id, first))
    return skus


async def may_personalise(ports: PersonalPorts, customer_id: str) -> bool:
    """Whether the customer's history may shape what they see: no recorded consent is none."""
    consent = await consent_of(ports, customer_id)
    return consent is not None and consent.personalization


async def same_category(ports: PersonalPorts, product: ProductRecord) -> list[ProductRecord]:
    if product.category_id is None:
        return []
    page: Page[ProductRecord] = await ports.reads.product_search.load(
        ProductSearch(category=product.category_id, first=200)
    )
    return list(page.items)


async def purchase_history(ports: PersonalPorts, customer_id: str) -> list[PurchasedLine]:
    """Every line the customer bought, newest first."""
    lines: list[PurchasedLine] = await ports.reads.purchased_lines.load(customer_id)
    return lines


async def consent_of(ports: PersonalPorts, customer_id: str) -> ConsentRecord | None:
    consent: ConsentRecord | None = await ports.reads.consent.load(customer_id)
    return consent


async def loyalty_of(ports: PersonalPorts, customer_id: str) -> LoyaltyRecord | None:
    loyalty: LoyaltyRecord | None = await ports.reads.loyalty.load(customer_id)
    return loyalty


async def open_carts(ports: PersonalPorts, customer_id: str) -> list[CartActivityRecord]:
    carts: list[CartActivityRecord] = await ports.reads.open_carts.load(customer_id)
    return carts


async def cart_for(ports: PersonalPorts, cart_id: str) -> CartRecord | None:
    cart: CartRecord | None = await ports.reads.cart_by_id.load(cart_id)
    return cart


async def new_cart(ports: PersonalPorts, customer_id: str, channel: str) -> CartRecord:
    return await ports.commerce.create_cart(customer_id, channel, ports.settings.default_currency)


async def add_to_cart(ports: PersonalPorts, cart_id: str, sku: str, quantity: int) -> CartRecord:
    return await ports.commerce.set_cart_line(cart_id, sku, quantity)
