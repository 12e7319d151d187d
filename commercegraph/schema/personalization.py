"""Personalisation types: recommendations, the smart shopping list and offers.

Catalog types are referenced lazily: ``Product`` and ``Customer`` carry fields of these
types, so importing the catalog module here would be circular.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import OfferRecord, ProductRecord
from commercegraph.context import Context
from commercegraph.ids import expect_global_id
from commercegraph.resolvers import offers as offer_resolvers
from commercegraph.resolvers import recommendations as reco
from commercegraph.resolvers import shopping_list as lists
from commercegraph.schema.common import Channel, GeoPointInput, Money, SkuArg
from commercegraph.schema.described import described_enum
from commercegraph.schema.enums import OfferKind, ShoppingListSource
from commercegraph.services import recommendations as scoring
from commercegraph.services.offers import priority_of
from commercegraph.services.shopping_list import ListItem

if TYPE_CHECKING:
    from commercegraph.schema.cart import Cart
    from commercegraph.schema.catalog import Product, Store

ProductType = Annotated["Product", strawberry.lazy("commercegraph.schema.catalog")]
StoreType = Annotated["Store", strawberry.lazy("commercegraph.schema.catalog")]


def _product(record: ProductRecord) -> Product:
    from commercegraph.schema.catalog import Product

    return Product.of(record)


@described_enum(
    "What a recommendation is for.",
    CROSS_SELL="Complements: accessories and things used with it.",
    UP_SELL="Upgrades: a better product of the same category.",
    FREQUENTLY_BOUGHT_TOGETHER="Pairs: what other orders held with it.",
)
class RecommendationKind(Enum):
    CROSS_SELL = "CROSS_SELL"
    UP_SELL = "UP_SELL"
    FREQUENTLY_BOUGHT_TOGETHER = "FREQUENTLY_BOUGHT_TOGETHER"


@strawberry.type(description="A product suggested for a customer or another product, explained.")
class Recommendation:
    product: ProductType = strawberry.field(description="The product recommended.")
    reason: str = strawberry.field(description="Why, in words a shopper understands.")
    score: float = strawberry.field(description="Higher is a better fit; ranks one list.")
    price: Money = strawberry.field(description="The unit price for this customer and channel.")
    anchor_sku: str = strawberry.field(description="The product this recommendation goes with.")

    @classmethod
    def of(cls, r: scoring.Recommendation) -> Recommendation:
        return cls(
            product=_product(r.product),
            reason=r.reason,
            score=r.score,
            price=Money.minor(r.price, r.currency),
            anchor_sku=r.anchor_sku,
        )


async def recommendations(
    info: Info[Context, None],
    *,
    kind: RecommendationKind,
    customer_id: str | None,
    product: ProductRecord | None,
    channel: Channel | None,
    first: int,
) -> list[Recommendation]:
    found = await reco.recommend(
        info.context,
        kind=kind.value,
        customer_id=customer_id,
        product=product,
        channel=(channel or Channel.WEB).value,
        first=first,
    )
    return [Recommendation.of(r) for r in found]


async def customer_recommendations(
    info: Info[Context, None],
    customer_id: str,
    kind: RecommendationKind,
    product_id: strawberry.ID | None,
    first: int,
    channel: Channel | None,
) -> list[Recommendation]:
    product = None
    if product_id is not None:
        from commercegraph.resolvers.catalog import product_by_id_or_sku

        expect_global_id(product_id, "Product", "productId")
        product = await product_by_id_or_sku(info.context, product_id, None)
    return await recommendations(
        info, kind=kind, customer_id=customer_id, product=product, channel=channel, first=first
    )


async def product_recommendations(
    info: Info[Context, None],
    product: ProductRecord,
    kind: RecommendationKind,
    first: int,
    channel: Channel | None,
) -> list[Recommendation]:
    """Personalised (owned items left out, the customer's caps) when a customer asks."""
    return await recommendations(
        info,
        kind=kind,
        customer_id=info.context.caller.customer_id,
        product=product,
        channel=channel,
        first=first,
    )


@strawberry.type(description="A product on the shopping list, with when it is due again.")
class ShoppingListItem:
    product: ProductType = strawberry.field(description="The product.")
    quantity: int = strawberry.field(description="Units usually bought (or as listed).")
    source: ShoppingListSource = strawberry.field(
        description="EXPLICIT or REPLENISHMENT (inferred)."
    )
    average_interval_days: float | None = strawberry.field(
        description="Mean days between purchases; null before there are two."
    )
    median_interval_days: float | None = strawberry.field(
        description="Median days between purchases; null before there are two."
    )
    purchases: int = strawberry.field(description="Purchases the interval is inferred from.")
    last_purchased_at: datetime | None = strawberry.field(
        description="The last order holding it; null if never bought."
    )
    next_due_at: datetime | None = strawberry.field(
        description="When it should run out: the last purchase plus the interval."
    )
    due_soon: bool = strawberry.field(description="Due within the configured window.")


@strawberry.type(description="What the customer buys again: listed and inferred items.")
class ShoppingList:
    items: list[ShoppingListItem] = strawberry.field(description="Every item on the list.")

    @strawberry.field(description="Items due within the configured window, soonest first.")
    def due_soon(self) -> list[ShoppingListItem]:
        return [i for i in self.items if i.due_soon]


async def _shopping_list(ctx: Context, items: list[ListItem]) -> ShoppingList:
    records = await asyncio.gather(*(ctx.loaders.product_by_sku.load(i.sku) for i in items))
    return ShoppingList(
        items=[
            ShoppingListItem(
                product=_product(p),
                quantity=i.quantity,
                source=ShoppingListSource(i.source),
                average_interval_days=i.estimate.average_interval_days if i.estimate else None,
                median_interval_days=i.estimate.median_interval_days if i.estimate else None,
                purchases=i.estimate.purchases if i.estimate else 0,
                last_purchased_at=i.estimate.last_purchased_at if i.estimate else None,
                next_due_at=i.estimate.next_due_at if i.estimate else None,
                due_soon=i.due_soon,
            )
            for i, p in zip(items, records, strict=True)
            if p is not None
        ]
    )


async def shopping_list(info: Info[Context, None], customer_id: str) -> ShoppingList:
    return await _shopping_list(info.context, await lists.shopping_list(info.context, customer_id))


@strawberry.input(description="Where and how the customer is shopping, for offers.")
class OfferContextInput:
    channel: Channel | None = strawberry.field(default=None, description="The channel used now.")
    near: GeoPointInput | None = strawberry.field(
        default=None, description="Where the customer is; enables in-store offers."
    )
    radius_km: float | None = strawberry.field(
        default=None, description="How far a store may be for in-store offers."
    )


@strawberry.type(description="A personal offer: why, for what and until when.")
class Offer:
    id: strawberry.ID = strawberry.field(description="The offer's id.")
    kind: OfferKind = strawberry.field(description="What the offer is about.")
    title: str = strawberry.field(description="The headline.")
    message: str = strawberry.field(description="The text to show the customer.")
    reason: str = strawberry.field(description="Why this customer gets it, in words.")
    issued_at: datetime = strawberry.field(description="When it was first made.")
    expires_at: datetime | None = strawberry.field(description="When it ends; null if it does not.")
    priority: int = strawberry.field(
        description="What it is worth to the customer, higher first; the daily cap on new "
        "marketing offers keeps the highest."
    )
    _sku: strawberry.Private[str | None]
    _store_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, r: OfferRecord) -> Offer:
        return cls(
            id=strawberry.ID(r.id),
            kind=OfferKind(r.kind),
            title=r.title,
            message=r.message,
            reason=r.reason,
            issued_at=r.issued_at,
            expires_at=r.expires_at,
            priority=priority_of(r.kind),
            _sku=r.sku,
            _store_id=r.store_id,
        )

    @strawberry.field(description="The product it is about, if any.")
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        if self._sku is None:
            return None
        record = await info.context.loaders.product_by_sku.load(self._sku)
        return _product(record) if record is not None else None

    @strawberry.field(description="The store it is about, if any.")
    async def store(self, info: Info[Context, None]) -> StoreType | None:
        from commercegraph.schema.catalog import Store

        if self._store_id is None:
            return None
        location = await info.context.loaders.location_by_id.load(self._store_id)
        return Store.of(location) if location is not None else None


async def offers(
    info: Info[Context, None], customer_id: str, context: OfferContextInput | None
) -> list[Offer]:
    near = context.near if context else None
    found = await offer_resolvers.offers(
        info.context,
        customer_id,
        near=(near.lat, near.lon) if near else None,
        radius_km=context.radius_km if context else None,
    )
    return [Offer.of(r) for r in found]


@strawberry.type(description="A line of an auto-filled cart.")
class AutoFilledCartLine:
    sku: str = strawberry.field(description="The product's sku.")
    quantity: int = strawberry.field(description="Units of it.")

    @strawberry.field(description="The product, if the catalog still has it.")
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        record = await info.context.loaders.product_by_sku.load(self.sku)
        return _product(record) if record is not None else None


@strawberry.type(description="What autoFillCart put in the cart.")
class AutoFilledCart:
    cart_id: strawberry.ID = strawberry.field(description="The cart's global ID.")
    lines: list[AutoFilledCartLine] = strawberry.field(description="Every line now in the cart.")
    added: list[AutoFilledCartLine] = strawberry.field(description="What this call added.")
    _cart_id: strawberry.Private[str]

    @strawberry.field(description="The cart itself, ready for `placeOrder`.")
    async def cart(
        self, info: Info[Context, None]
    ) -> Annotated[Cart, strawberry.lazy("commercegraph.schema.cart")] | None:
        from commercegraph.schema.cart import Cart as CartType

        record = await info.context.loaders.cart_by_id.load(self._cart_id)
        return CartType.of(record) if record is not None else None


@strawberry.type
class PersonalizationMutation:
    @strawberry.mutation(description="Put a product on the caller's shopping list.")
    async def add_to_shopping_list(
        self,
        info: Info[Context, None],
        sku: SkuArg,
        quantity: Annotated[int, strawberry.argument(description="Units usually bought.")] = 1,
    ) -> ShoppingList:
        customer_id = await lists.add_item(info.context, sku, quantity)
        return await shopping_list(info, customer_id)

    @strawberry.mutation(
        description="Take a product off the list; an inferred item stays off until bought again."
    )
    async def remove_from_shopping_list(
        self, info: Info[Context, None], sku: SkuArg
    ) -> ShoppingList:
        customer_id = await lists.remove_item(info.context, sku)
        return await shopping_list(info, customer_id)

    @strawberry.mutation(
        description=(
            "Put the list's due items (in stock) in a cart: `cartId`, else the caller's latest"
            " open cart on the channel, else a new one."
        )
    )
    async def auto_fill_cart(
        self,
        info: Info[Context, None],
        cart_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="An open cart to fill; the latest open one on the channel if not given."
            ),
        ] = None,
        channel: Annotated[
            Channel | None,
            strawberry.argument(description="A new cart's channel; MOBILE_APP when not given."),
        ] = None,
    ) -> AutoFilledCart:
        from commercegraph.ids import to_global_id

        filled = await lists.auto_fill_cart(
            info.context, cart_id, (channel or Channel.MOBILE_APP).value
        )
        return AutoFilledCart(
            cart_id=strawberry.ID(to_global_id("Cart", filled.cart_id)),
            lines=[AutoFilledCartLine(sku=s, quantity=q) for s, q in filled.lines],
            added=[AutoFilledCartLine(sku=s, quantity=q) for s, q in filled.added],
            _cart_id=filled.cart_id,
        )
