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
from commercegraph.schema.common import Channel, GeoPointInput, Money
from commercegraph.schema.enums import OfferKind, ShoppingListSource
from commercegraph.services import recommendations as scoring
from commercegraph.services.shopping_list import ListItem

if TYPE_CHECKING:
    from commercegraph.schema.cart import Cart
    from commercegraph.schema.catalog import Product, Store

ProductType = Annotated["Product", strawberry.lazy("commercegraph.schema.catalog")]
StoreType = Annotated["Store", strawberry.lazy("commercegraph.schema.catalog")]


def _product(record: ProductRecord) -> Product:
    from commercegraph.schema.catalog import Product

    return Product.of(record)


@strawberry.enum
class RecommendationKind(Enum):
    CROSS_SELL = "CROSS_SELL"
    UP_SELL = "UP_SELL"
    FREQUENTLY_BOUGHT_TOGETHER = "FREQUENTLY_BOUGHT_TOGETHER"


@strawberry.type
class Recommendation:
    product: ProductType
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


@strawberry.type
class ShoppingListItem:
    product: ProductType
    quantity: int
    source: ShoppingListSource = strawberry.field(
        description="EXPLICIT or REPLENISHMENT (inferred)."
    )
    average_interval_days: float | None
    median_interval_days: float | None
    purchases: int = strawberry.field(description="Purchases the interval is inferred from.")
    last_purchased_at: datetime | None
    next_due_at: datetime | None
    due_soon: bool


@strawberry.type
class ShoppingList:
    items: list[ShoppingListItem]

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


@strawberry.input
class OfferContextInput:
    channel: Channel | None = None
    near: GeoPointInput | None = None
    radius_km: float | None = None


@strawberry.type
class Offer:
    id: strawberry.ID
    kind: OfferKind = strawberry.field(description="What the offer is about.")
    title: str
    message: str
    reason: str
    issued_at: datetime
    expires_at: datetime | None
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
            _sku=r.sku,
            _store_id=r.store_id,
        )

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        if self._sku is None:
            return None
        record = await info.context.loaders.product_by_sku.load(self._sku)
        return _product(record) if record is not None else None

    @strawberry.field
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


@strawberry.type
class AutoFilledCartLine:
    sku: str
    quantity: int

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        record = await info.context.loaders.product_by_sku.load(self.sku)
        return _product(record) if record is not None else None


@strawberry.type
class AutoFilledCart:
    cart_id: strawberry.ID
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
        self, info: Info[Context, None], sku: str, quantity: int = 1
    ) -> ShoppingList:
        customer_id = await lists.add_item(info.context, sku, quantity)
        return await shopping_list(info, customer_id)

    @strawberry.mutation(
        description="Take a product off the list; an inferred item stays off until bought again."
    )
    async def remove_from_shopping_list(self, info: Info[Context, None], sku: str) -> ShoppingList:
        customer_id = await lists.remove_item(info.context, sku)
        return await shopping_list(info, customer_id)

    @strawberry.mutation(
        description="Put the list's due items (in stock) in a cart, new unless `cartId` is given."
    )
    async def auto_fill_cart(
        self,
        info: Info[Context, None],
        cart_id: strawberry.ID | None = None,
        channel: Channel | None = None,
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
