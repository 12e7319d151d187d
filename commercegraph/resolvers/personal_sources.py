"""Everything personalisation reads from other domains, each behind one narrow function.

Prices, stock, segments, catalog relations, co-purchases and carts belong to other parts
of the gateway; when one of them changes (rule-aware prices, mined bundles, a cart
service) only the function here that reads it needs to follow.
"""

from __future__ import annotations

import asyncio

from commercegraph.adapters.base import (
    BasketQuery,
    BundleRecord,
    CartActivityRecord,
    CartRecord,
    ConsentRecord,
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
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.resolvers.catalog import unit_price
from commercegraph.services.inventory import AvailabilityResult
from commercegraph.services.recommendations import CoPurchase, co_purchases
from commercegraph.usecases.availability import availability

BASKET_SAMPLE = 500  # recent baskets per anchor: enough for stable shares, bounded cost
ACCESSORY = "ACCESSORY"


async def personal_price(ctx: Context, product: ProductRecord, channel: str) -> int | None:
    """The caller's unit price in the default currency, None when the product has none."""
    try:
        price = await unit_price(ctx, product, quantity=1, channel=channel, currency=None)
    except NotFound:
        return None
    return price.final.amount


async def availability_near(
    ctx: Context,
    sku: str,
    channel: str,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
) -> AvailabilityResult:
    stock: list[StockRecord]
    locations: list[LocationRecord]
    stock, locations = await asyncio.gather(
        ctx.loaders.stock.load(sku), ctx.loaders.all_locations.load("*")
    )
    return availability(
        ctx.settings, stock, locations, channel=channel, near=near, radius_km=radius_km
    )


async def in_stock_for_channel(ctx: Context, sku: str, channel: str) -> bool:
    """Online channels need online stock; the store channel needs some store's stock."""
    result = await availability_near(ctx, sku, channel)
    return bool(result.stores) if channel == "STORE" else result.online_atp > 0


async def segment_keys(ctx: Context, customer_id: str) -> list[str]:
    segments: list[SegmentRecord] = await ctx.loaders.segments.load(customer_id)
    return [s.key for s in segments]


async def accessories_of(ctx: Context, product: ProductRecord) -> list[str]:
    ids: list[str] = await ctx.loaders.related_products.load((product.id, ACCESSORY))
    return ids


async def frequently_bought_with(ctx: Context, product: ProductRecord) -> dict[str, CoPurchase]:
    """Skus bought in the same orders as the product, computed from recent baskets."""
    baskets: list[tuple[str, ...]] = await ctx.loaders.baskets.load(
        BasketQuery(product.sku, BASKET_SAMPLE)
    )
    return co_purchases(product.sku, baskets)


async def mined_partners(ctx: Context, product: ProductRecord) -> set[str]:
    """Skus that ``commercegraph mine-bundles`` found in frequently-bought-together sets
    with the product (support and lift over the whole order history)."""
    bundles: list[BundleRecord] = await ctx.loaders.bundles_for_product.load(product.id)
    return {
        c.sku
        for b in bundles
        if b.kind == "FREQUENTLY_BOUGHT_TOGETHER"
        for c in b.components
        if c.sku != product.sku
    }


async def bundle_partners(ctx: Context, product: ProductRecord) -> dict[str, str]:
    """Sku -> bundle name, for the other components of every bundle holding the product:
    the curated kits say what goes with it as plainly as the mined sets do."""
    bundles: list[BundleRecord] = await ctx.loaders.bundles_for_product.load(product.id)
    partners: dict[str, str] = {}
    for b in bundles:
        for c in b.components:
            if c.sku != product.sku:
                partners.setdefault(c.sku, b.name)
    return partners


async def recently_viewed(ctx: Context, customer_id: str, first: int) -> list[str]:
    skus: list[str] = await ctx.loaders.recently_viewed.load(RecentViewsQuery(customer_id, first))
    return skus


async def may_personalise(ctx: Context, customer_id: str) -> bool:
    """Whether the customer's history may shape what they see: no recorded consent is none."""
    consent = await consent_of(ctx, customer_id)
    return consent is not None and consent.personalization


async def same_category(ctx: Context, product: ProductRecord) -> list[ProductRecord]:
    if product.category_id is None:
        return []
    page: Page[ProductRecord] = await ctx.loaders.product_search.load(
        ProductSearch(category=product.category_id, first=200)
    )
    return list(page.items)


async def purchase_history(ctx: Context, customer_id: str) -> list[PurchasedLine]:
    """Every line the customer bought, newest first."""
    lines: list[PurchasedLine] = await ctx.loaders.purchased_lines.load(customer_id)
    return lines


async def consent_of(ctx: Context, customer_id: str) -> ConsentRecord | None:
    consent: ConsentRecord | None = await ctx.loaders.consent.load(customer_id)
    return consent


async def loyalty_of(ctx: Context, customer_id: str) -> LoyaltyRecord | None:
    loyalty: LoyaltyRecord | None = await ctx.loaders.loyalty.load(customer_id)
    return loyalty


async def open_carts(ctx: Context, customer_id: str) -> list[CartActivityRecord]:
    carts: list[CartActivityRecord] = await ctx.loaders.open_carts.load(customer_id)
    return carts


async def cart_for(ctx: Context, cart_id: str) -> CartRecord | None:
    cart: CartRecord | None = await ctx.loaders.cart_by_id.load(cart_id)
    return cart


async def new_cart(ctx: Context, customer_id: str, channel: str) -> CartRecord:
    return await ctx.registry.commerce.create_cart(
        customer_id, channel, ctx.settings.default_currency
    )


async def add_to_cart(ctx: Context, cart_id: str, sku: str, quantity: int) -> CartRecord:
    return await ctx.registry.commerce.set_cart_line(cart_id, sku, quantity)
