"""Bundles in the graph: ``Bundle`` nodes, ``Query.bundles`` and ``Product.bundles``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import BundleRecord, Page, ProductRecord
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.ids import to_global_id
from commercegraph.resolvers import bundles as resolve
from commercegraph.resolvers.catalog import check_currency
from commercegraph.schema.catalog import Availability, Price, Product, point_of
from commercegraph.schema.common import (
    After,
    Channel,
    ChannelArg,
    Currency,
    First,
    Near,
    Node,
    PageInfo,
    RadiusKm,
)
from commercegraph.schema.enums import BundleKind


@strawberry.type(description="A product in a bundle and how many of it one set holds.")
class BundleComponent:
    quantity: int = strawberry.field(description="Units of the product in one set.")
    _product_id: strawberry.Private[str]

    @strawberry.field(description="The product, if the catalog still has it.")
    async def product(self, info: Info[Context, None]) -> Product | None:
        record: ProductRecord | None = await info.context.loaders.product_by_id.load(
            self._product_id
        )
        return Product.of(record) if record is not None else None


@strawberry.type(description="Products sold together at a discount: curated or mined from orders.")
class Bundle(Node):
    id: strawberry.ID = strawberry.field(description="The bundle's global ID.")
    name: str = strawberry.field(description="The bundle's name.")
    kind: BundleKind = strawberry.field(
        description="FIXED, MIX_AND_MATCH or FREQUENTLY_BOUGHT_TOGETHER."
    )
    pick_count: int | None = strawberry.field(
        description="MIX_AND_MATCH: how many of the components make one set."
    )
    discount_percent: int = strawberry.field(description="Off the components' total, per set.")
    support: float | None = strawberry.field(description="Mined: share of orders holding all.")
    lift: float | None = strawberry.field(description="Mined: how much likelier than chance.")
    components: list[BundleComponent] = strawberry.field(description="What a set is made of.")
    _record: strawberry.Private[BundleRecord]

    @classmethod
    def of(cls, r: BundleRecord) -> Bundle:
        return cls(
            id=strawberry.ID(to_global_id("Bundle", r.id)),
            name=r.name,
            kind=BundleKind(r.kind),
            pick_count=r.pick_count,
            discount_percent=r.discount_percent,
            support=round(r.support, 5) if r.support is not None else None,
            lift=round(r.lift, 3) if r.lift is not None else None,
            components=[
                BundleComponent(quantity=c.quantity, _product_id=c.product_id) for c in r.components
            ],
            _record=r,
        )

    @strawberry.field(description="One set's price: components less the bundle discount.")
    async def price(
        self,
        info: Info[Context, None],
        channel: ChannelArg = None,
        currency: Currency = None,
    ) -> Price:
        code = check_currency(info.context, currency)
        price = await resolve.bundle_price(
            info.context, self._record, channel=(channel or Channel.WEB).value, currency=code
        )
        return Price.of(price)

    @strawberry.field(description="Whole sets per location: where every part is in stock.")
    async def availability(
        self,
        info: Info[Context, None],
        near: Near = None,
        channel: ChannelArg = None,
        radius_km: RadiusKm = None,
    ) -> Availability:
        result = await resolve.availability(
            info.context,
            self._record,
            channel=(channel or Channel.WEB).value,
            near=point_of(near),
            radius_km=radius_km,
        )
        products = await resolve.components(info.context, self._record)
        threshold = min((p.low_stock_threshold for p in products), default=0)
        return Availability.of(result, threshold)


@strawberry.type(description="A bundle in a page, with its cursor.")
class BundleEdge:
    node: Bundle = strawberry.field(description="The bundle.")
    cursor: str = strawberry.field(description="Pass as `after` to page on from here.")


@strawberry.type(description="A page of bundles, by id (Relay connection).")
class BundleConnection:
    edges: list[BundleEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Bundles matching, on every page.")

    @classmethod
    def of(cls, page: Page[BundleRecord]) -> BundleConnection:
        return cls(
            edges=[
                BundleEdge(node=Bundle.of(b), cursor=c)
                for b, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )


async def product_bundles(info: Info[Context, None], product: ProductRecord) -> list[Bundle]:
    return [Bundle.of(b) for b in await resolve.for_product(info.context, product)]


@strawberry.type
class InventoryQuery:
    @strawberry.field(description="Bundles, all or those holding `productId`; Relay pagination.")
    async def bundles(
        self,
        info: Info[Context, None],
        product_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only bundles holding this product."),
        ] = None,
        first: First = 20,
        after: After = None,
    ) -> BundleConnection:
        return BundleConnection.of(await resolve.search(info.context, product_id, first, after))


async def node(ctx: Context, type_name: str, local_id: str, global_id: str) -> Node:
    """``node(id:)`` for carts (their owner or staff only) and bundles."""
    from commercegraph.resolvers.cart import may_touch_cart
    from commercegraph.schema.cart import Cart

    if type_name == "Cart":
        cart = await ctx.loaders.cart_by_id.load(local_id)
        if cart is not None and may_touch_cart(ctx, cart):
            return Cart.of(cart)
    else:
        bundle = await ctx.loaders.bundle_by_id.load(local_id)
        if bundle is not None:
            return Bundle.of(bundle)
    raise NotFound(f"No {type_name} with ID {global_id!r}")
