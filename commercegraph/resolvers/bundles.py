"""Bundle reads: by product, paged, priced and available per location."""

from __future__ import annotations

import asyncio

from commercegraph.adapters.base import (
    BundleQuery,
    BundleRecord,
    LocationRecord,
    Money,
    Page,
    ProductRecord,
    StockRecord,
)
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.ids import expect_global_id
from commercegraph.resolvers.catalog import availability_from, unit_price
from commercegraph.services.bundles import MIX_AND_MATCH, bundle_stock, percent_of
from commercegraph.services.inventory import AvailabilityResult
from commercegraph.services.pagination import check_first
from commercegraph.usecases.quote import UnitPrice, bundle_rule
from commercegraph.usecases.validation import check_near


async def search(
    ctx: Context, product_id: str | None, first: int, after: str | None
) -> Page[BundleRecord]:
    check_first(first, ctx.settings.max_page_size)
    local = expect_global_id(product_id, "Product", "productId") if product_id else None
    page: Page[BundleRecord] = await ctx.loaders.bundle_search.load(
        BundleQuery(product_id=local, first=first, after=after)
    )
    return page


async def for_product(ctx: Context, product: ProductRecord) -> list[BundleRecord]:
    found: list[BundleRecord] = await ctx.loaders.bundles_for_product.load(product.id)
    return found


async def components(ctx: Context, bundle: BundleRecord) -> list[ProductRecord]:
    records = await asyncio.gather(
        *(ctx.loaders.product_by_id.load(c.product_id) for c in bundle.components)
    )
    missing = [c.sku for c, r in zip(bundle.components, records, strict=True) if r is None]
    if missing:
        raise NotFound(f"Bundle {bundle.id} names a missing product {missing[0]!r}")
    return [r for r in records if r is not None]


async def bundle_price(
    ctx: Context, bundle: BundleRecord, *, channel: str, currency: str | None
) -> UnitPrice:
    """One set's price: the components' unit prices less the bundle's discount.

    A mix-and-match set is priced from its cheapest ``pick_count`` items ("from").
    The discount becomes an applied rule through ``quote.bundle_rule``, as in carts.
    """
    products = await components(ctx, bundle)
    if not products:
        raise NotFound(f"Bundle {bundle.id} has no components")
    prices = await asyncio.gather(
        *(
            unit_price(ctx, p, quantity=c.quantity, channel=channel, currency=currency)
            for p, c in zip(products, bundle.components, strict=True)
        )
    )
    if bundle.kind == MIX_AND_MATCH:
        cheapest = sorted(prices, key=lambda p: p.final.amount)[: bundle.pick_count or 1]
        base = sum(p.base.amount for p in cheapest)
        before = sum(p.final.amount for p in cheapest)
    else:
        quantities = [c.quantity for c in bundle.components]
        base = sum(p.base.amount * q for p, q in zip(prices, quantities, strict=True))
        before = sum(p.final.amount * q for p, q in zip(prices, quantities, strict=True))
    code = prices[0].base.currency
    discount = percent_of(before, bundle.discount_percent)
    rules = tuple(r for p in prices for r in p.applied_rules)
    if discount:
        rules += (bundle_rule(bundle, discount, code),)
    valid = [p.valid_until for p in prices if p.valid_until is not None]
    return UnitPrice(
        base=Money(base, code),
        final=Money(before - discount, code),
        applied_rules=rules,
        valid_until=min(valid) if valid else None,
    )


async def availability(
    ctx: Context,
    bundle: BundleRecord,
    *,
    channel: str,
    near: tuple[float, float] | None,
    radius_km: float | None,
) -> AvailabilityResult:
    """Whole sets per location; a bundle ships or is picked up from one location."""
    check_near(near, radius_km)
    skus = [c.sku for c in bundle.components]
    rows: list[list[StockRecord]]
    locations: list[LocationRecord]
    rows, locations = await asyncio.gather(
        asyncio.gather(*(ctx.loaders.stock.load(s) for s in skus)),
        ctx.loaders.all_locations.load("*"),
    )
    stock = bundle_stock(bundle, dict(zip(skus, rows, strict=True)), locations)
    return availability_from(ctx, stock, locations, channel=channel, near=near, radius_km=radius_km)
