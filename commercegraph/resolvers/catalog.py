"""Catalog reads: products, prices, availability, content and stores."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar

from commercegraph.adapters.base import (
    ContentKey,
    ContentRecord,
    LocationRecord,
    Page,
    ProductFacets,
    ProductRecord,
    ProductSearch,
    StockRecord,
)
from commercegraph.context import Context
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.ids import expect_global_id
from commercegraph.loaders import load_each, prime_each, settled
from commercegraph.services.geo import distance_km
from commercegraph.services.inventory import AvailabilityResult, Sites
from commercegraph.services.pagination import check_first
from commercegraph.services.pricing_engine import LineResult
from commercegraph.services.regions import region_defaults
from commercegraph.usecases import validation
from commercegraph.usecases.availability import availability as usecase_availability
from commercegraph.usecases.availability import sites_for
from commercegraph.usecases.quote import UnitPrice, unit_price_of
from commercegraph.usecases.validation import check_near as check_near
from commercegraph.usecases.validation import check_quantity

T = TypeVar("T")


async def product_by_id_or_sku(ctx: Context, id: str | None, sku: str | None) -> ProductRecord:
    if (id is None) == (sku is None):
        raise BadUserInput("Give exactly one of `id` and `sku`")
    if id is not None:
        product: ProductRecord | None = await ctx.loaders.product_by_id.load(
            expect_global_id(id, "Product")
        )
    else:
        assert sku is not None  # exactly one of the two is given
        product = await ctx.loaders.product_by_sku.load(sku)
    if product is None:
        raise NotFound(f"No product with {'id' if id else 'sku'} {id or sku!r}")
    remember_products(ctx, [product])
    return product


def product_search(
    ctx: Context,
    query: str | None,
    category: str | None,
    first: int,
    after: str | None,
    *,
    sort: str = "RELEVANCE",
    descending: bool | None = None,
    currency: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> ProductSearch:
    """The search key, checked: one direction of paging, page sizes within the limit."""
    check_first(first, ctx.settings.max_page_size)
    if query is not None and len(query) > 200:
        raise BadUserInput("`query` must be at most 200 characters", argument="query")
    if last is not None:
        check_first(last, ctx.settings.max_page_size, "last")
        if after is not None:
            raise BadUserInput("Page with `first`/`after` or `last`/`before`", argument="after")
    elif before is not None:
        raise BadUserInput("`before` pages backwards: give `last` with it", argument="before")
    code = check_currency(ctx, currency) if sort == "PRICE" else None
    return ProductSearch(
        query=query or None,
        category=category or None,
        first=first,
        after=after,
        sort=sort,
        descending=descending,
        currency=code,
        last=last,
        before=before,
    )


async def search_products(ctx: Context, search: ProductSearch) -> Page[ProductRecord]:
    page: Page[ProductRecord] = await ctx.loaders.product_search.load(search)
    remember_products(ctx, page.items)
    return page


async def product_facets(ctx: Context, search: ProductSearch) -> ProductFacets:
    facets: ProductFacets = await ctx.loaders.product_facets.load(facets_search(search))
    return facets


def facets_search(search: ProductSearch) -> ProductSearch:
    """Facets ignore paging and order, so every page of one search shares one call."""
    return ProductSearch(query=search.query, category=search.category)


def remember_products(ctx: Context, products: Sequence[ProductRecord]) -> None:
    """Products already in hand answer later look-ups by id or sku in this request (the
    pricing engine reads lines by sku) without another call to the commerce backend."""
    loaders = ctx.loaders
    prime_each(loaders.product_by_id, [p.id for p in products], products)
    prime_each(loaders.product_by_sku, [p.sku for p in products], products)


def check_currency(ctx: Context, currency: str | None) -> str:
    return validation.check_currency(currency, ctx.settings.default_currency)


async def caller_group(ctx: Context) -> str | None:
    if ctx.caller.customer_id is None:
        return None
    customer = await ctx.loaders.customer_by_id.load(ctx.caller.customer_id)
    return customer.customer_group if customer is not None else None


async def unit_price(
    ctx: Context,
    product: ProductRecord,
    *,
    quantity: int,
    channel: str,
    currency: str | None,
    store_id: str | None = None,
) -> UnitPrice:
    if currency is None and store_id is not None:  # a store abroad prices in its own money
        store: LocationRecord | None = await ctx.loaders.location_by_id.load(store_id)
        if store is not None:
            currency = region_defaults(store.region).currency
    check_quantity(quantity)
    code = check_currency(ctx, currency)
    # every product price a request asks for is priced in one engine pass
    line: LineResult = await ctx.product_prices.load(
        (product.sku, quantity, channel, store_id, code)
    )
    return unit_price_of(line, code)


async def unit_prices(
    ctx: Context,
    products: Sequence[ProductRecord],
    *,
    quantity: int,
    channel: str,
    currency: str | None,
    store_id: str | None = None,
) -> list[UnitPrice | Exception]:
    """``unit_price`` of each product, in order; a failure answers for its products only."""
    try:
        if currency is None and store_id is not None:
            store: LocationRecord | None = await ctx.loaders.location_by_id.load(store_id)
            if store is not None:
                currency = region_defaults(store.region).currency
        check_quantity(quantity)
        code = check_currency(ctx, currency)
    except Exception as exc:
        return [exc for _ in products]
    loader = ctx.product_prices
    lines = await settled(
        load_each(loader, [(p.sku, quantity, channel, store_id, code) for p in products])
    )
    prices: list[UnitPrice | Exception] = []
    for line in lines:  # the class tested first: nearly every line is priced
        if line.__class__ is not LineResult and isinstance(line, Exception):
            prices.append(line)
            continue
        try:
            prices.append(unit_price_of(line, code))
        except Exception as exc:
            prices.append(exc)
    return prices


async def availability(
    ctx: Context,
    product: ProductRecord,
    *,
    channel: str,
    near: tuple[float, float] | None,
    radius_km: float | None,
) -> AvailabilityResult:
    check_near(near, radius_km)
    stock: list[StockRecord]
    locations: list[LocationRecord]
    stock, locations = await asyncio.gather(
        ctx.loaders.stock.load(product.sku), ctx.loaders.all_locations.load("*")
    )
    return availability_from(ctx, stock, locations, channel=channel, near=near, radius_km=radius_km)


async def availabilities(
    ctx: Context,
    products: Sequence[ProductRecord],
    *,
    channel: str,
    near: tuple[float, float] | None,
    radius_km: float | None,
    with_stores: bool = True,
) -> list[AvailabilityResult | Exception]:
    """``availability`` of each product, in order; a failure answers for its products only.
    ``with_stores=False``: the stores left unlisted, when no one reads them."""
    try:
        check_near(near, radius_km)
    except Exception as exc:
        return [exc for _ in products]
    loaders = ctx.loaders
    reads: list[asyncio.Future[Any]] = load_each(loaders.stock, [p.sku for p in products])
    reads.append(loaders.all_locations.load("*"))
    *stocks, locations = await settled(reads)
    if isinstance(locations, Exception):
        return [stock if isinstance(stock, Exception) else locations for stock in stocks]
    settings = ctx.settings
    at = sites_for(settings, locations, channel)
    found: list[AvailabilityResult | Exception] = []
    for stock in stocks:
        if stock.__class__ is not list and isinstance(stock, Exception):
            found.append(stock)
        else:
            try:
                found.append(
                    usecase_availability(
                        settings,
                        stock,
                        locations,
                        channel=channel,
                        near=near,
                        radius_km=radius_km,
                        at=at,
                        with_stores=with_stores,
                    )
                )
            except Exception as exc:
                found.append(exc)
    return found


def availability_from(
    ctx: Context,
    stock: Sequence[StockRecord],
    locations: Sequence[LocationRecord],
    *,
    channel: str,
    near: tuple[float, float] | None,
    radius_km: float | None,
    at: Sites | None = None,
) -> AvailabilityResult:
    """Availability under this gateway's pickup radius and fulfilment routing."""
    return usecase_availability(
        ctx.settings, stock, locations, channel=channel, near=near, radius_km=radius_km, at=at
    )


async def content(ctx: Context, product: ProductRecord, locale: str | None) -> ContentRecord | None:
    wanted = locale or ctx.locale or ctx.settings.default_locale
    if len(wanted) > 16 or not wanted.replace("-", "").replace("_", "").isalnum():
        raise BadUserInput(f"{wanted!r} is not a locale", argument="locale")
    entry: ContentRecord | None = await ctx.loaders.content.load(
        ContentKey("product", product.id, wanted.replace("_", "-"), product.sku)
    )
    return entry


async def contents(
    ctx: Context, products: Sequence[ProductRecord], locale: str | None
) -> list[ContentRecord | Exception | None]:
    """``content`` of each product, in order; a failure answers for its products only."""
    wanted = locale or ctx.locale or ctx.settings.default_locale
    if len(wanted) > 16 or not wanted.replace("-", "").replace("_", "").isalnum():
        error = BadUserInput(f"{wanted!r} is not a locale", argument="locale")
        return [error for _ in products]
    loader, code = ctx.loaders.content, wanted.replace("_", "-")
    return await settled(
        load_each(loader, [ContentKey("product", p.id, code, p.sku) for p in products])
    )


async def stores_near(
    ctx: Context, near: tuple[float, float] | None, radius_km: float | None, first: int
) -> list[tuple[LocationRecord, float | None]]:
    check_first(first, ctx.settings.max_page_size)
    check_near(near, radius_km)
    locations: list[LocationRecord] = await ctx.loaders.all_locations.load("*")
    stores = []
    for loc in locations:
        if loc.kind != "STORE":
            continue
        distance = distance_km(near[0], near[1], loc.lat, loc.lon) if near else None
        if radius_km is not None and distance is not None and distance > radius_km:
            continue
        stores.append((loc, distance))
    stores.sort(key=lambda s: (s[1] if s[1] is not None else 0.0, s[0].name))
    return stores[:first]
