"""Bundles in the graph: ``Bundle`` nodes, ``Query.bundles`` and ``Product.bundles``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import BundleRecord, Page, ProductRecord
from commercegraph.context import Context
from commercegraph.errors import NotFound
from commercegraph.ids import to_global_id
from commercegraph.resolvers import bundles as resolve
from commercegraph.resolvers.catalog import check_currency
from commercegraph.schema.catalog import Availability, Price, Product, point_of
from commercegraph.schema.common import Channel, GeoPointInput, Node, PageInfo


@strawberry.type
class BundleComponent:
    quantity: int
    _product_id: strawberry.Private[str]

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> Product | None:
        record: ProductRecord | None = await info.context.loaders.product_by_id.load(
            self._product_id
        )
        return Product.of(record) if record is not None else None


@strawberry.type
class Bundle(Node):
    id: strawberry.ID
    name: str
    kind: str = strawberry.field(description="FIXED, MIX_AND_MATCH or FREQUENTLY_BOUGHT_TOGETHER.")
    pick_count: int | None = strawberry.field(
        description="MIX_AND_MATCH: how many of the components make one set."
    )
    discount_percent: int
    support: float | None = strawberry.field(description="Mined: share of orders holding all.")
    lift: float | None = strawberry.field(description="Mined: how much likelier than chance.")
    components: list[BundleComponent]
    _record: strawberry.Private[BundleRecord]

    @classmethod
    def of(cls, r: BundleRecord) -> Bundle:
        return cls(
            id=strawberry.ID(to_global_id("Bundle", r.id)),
            name=r.name,
            kind=r.kind,
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
        channel: Channel | None = None,
        currency: str | None = None,
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
        near: GeoPointInput | None = None,
        channel: Channel | None = None,
        radius_km: float | None = None,
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


@strawberry.type
class BundleEdge:
    node: Bundle
    cursor: str


@strawberry.type
class BundleConnection:
    edges: list[BundleEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[BundleRecord]) -> BundleConnection:
        return cls(
            edges=[
                BundleEdge(node=Bundle.of(b), cursor=c)
                for b, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


async def product_bundles(info: Info[Context, None], product: ProductRecord) -> list[Bundle]:
    return [Bundle.of(b) for b in await resolve.for_product(info.context, product)]


@strawberry.type
class InventoryQuery:
    @strawberry.field(description="Bundles, all or those holding `productId`; Relay pagination.")
    async def bundles(
        self,
        info: Info[Context, None],
        product_id: strawberry.ID | None = None,
        first: int = 20,
        after: str | None = None,
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
