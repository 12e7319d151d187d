"""The Subscription root: carts, orders, offers and store stock as they change.

Each subscription checks the caller's rights when it starts (a customer sees only their own
cart and orders) and reads the object again, with that caller, for every event. Those with
an object to watch emit it once at the start, so a client has the state it then follows.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.errors import BadUserInput, CommerceGraphError, Unauthenticated
from commercegraph.ids import expect_global_id
from commercegraph.loaders import Loaders
from commercegraph.resolvers import customer as customers
from commercegraph.resolvers.cart import load_cart
from commercegraph.schema.cart import Cart
from commercegraph.schema.catalog import Store
from commercegraph.schema.customer import Customer, Order
from commercegraph.services.inventory import available_to_promise
from commercegraph.store.models.base import utcnow
from commercegraph.subscriptions.broker import (
    Broker,
    cart_topic,
    offers_topic,
    orders_topic,
    stock_topic,
)

MAX_WATCHED_SKUS = 100


class SubscriptionsUnavailable(CommerceGraphError):
    code = "SUBSCRIPTIONS_UNAVAILABLE"


@dataclass
class SubscriptionContext(Context):
    broker: Broker | None = None
    connection_params: Any = None
    expires_at: float | None = None  # the token's ``exp``: no event is read for it after


def _broker(ctx: Context) -> Broker:
    broker = getattr(ctx, "broker", None)
    if broker is None:
        raise SubscriptionsUnavailable(
            "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql "
            "and server-sent events at /graphql/stream"
        )
    return broker  # type: ignore[no-any-return]


def _fresh(ctx: Context) -> Context:
    """Every event is read anew: the loaders' per-request caches would hold old state.
    A subscription outliving its token ends at its next event."""
    expires_at = getattr(ctx, "expires_at", None)
    if expires_at is not None and time.time() >= expires_at:
        raise Unauthenticated("The token has expired; subscribe again with a new one")
    ctx.loaders = Loaders(ctx.registry)
    ctx.now = utcnow()
    return ctx


@strawberry.type(description="One sku's stock at one store, as a stock subscription sees it.")
class SkuStock:
    sku: str = strawberry.field(description="The sku watched.")
    on_hand: int = strawberry.field(description="Units on the shelf, held ones included.")
    reserved: int = strawberry.field(description="Units held for carts being checked out.")
    available_to_promise: int = strawberry.field(
        description="Units a new order can still take: on hand less reserved and safety stock."
    )


@strawberry.type(description="Stock at one store after a change, for the skus that changed.")
class StoreStockChange:
    store: Store = strawberry.field(description="The store whose stock changed.")
    levels: list[SkuStock] = strawberry.field(description="The watched skus that changed.")


async def _store_levels(ctx: Context, location_id: str, skus: list[str]) -> list[SkuStock]:
    rows = await ctx.registry.inventory.stock(skus)
    levels = []
    for sku, stocks in zip(skus, rows, strict=True):
        for s in stocks:
            if s.location_id == location_id:
                levels.append(
                    SkuStock(
                        sku=sku,
                        on_hand=s.on_hand,
                        reserved=s.reserved,
                        available_to_promise=available_to_promise(s),
                    )
                )
    return levels


@strawberry.type(
    description="Live changes, over graphql-transport-ws at /graphql or server-sent events at "
    "/graphql/stream, authorised like queries."
)
class Subscription:
    @strawberry.subscription(
        description="The cart now, then each time it changes (its customer or staff)."
    )
    async def cart_changed(
        self,
        info: Info[Context, None],
        cart_id: Annotated[strawberry.ID, strawberry.argument(description="The cart to follow.")],
    ) -> AsyncGenerator[Cart, None]:
        ctx = info.context
        broker = _broker(ctx)
        cart = await load_cart(ctx, cart_id)
        async with broker.subscribe(cart_topic(cart.id)) as events:
            yield Cart.of(cart)
            async for _ in events:
                yield Cart.of(await load_cart(_fresh(ctx), cart_id))

    @strawberry.subscription(
        description="The caller's orders as they are placed or change status (customer)."
    )
    async def order_status_changed(self, info: Info[Context, None]) -> AsyncGenerator[Order, None]:
        ctx = info.context
        broker = _broker(ctx)
        customer_id = ctx.caller.require_customer()
        async with broker.subscribe(orders_topic(customer_id)) as events:
            async for event in events:
                fresh = _fresh(ctx)
                order = await fresh.loaders.order_by_id.load(str(event.get("orderId")))
                if order is not None and order.customer_id == customer_id:
                    yield Order.of(order)

    @strawberry.subscription(
        description="The caller now, then each time their offers change; select `offers`."
    )
    async def offers_changed(self, info: Info[Context, None]) -> AsyncGenerator[Customer, None]:
        ctx = info.context
        broker = _broker(ctx)
        customer_id = ctx.caller.require_customer()
        async with broker.subscribe(offers_topic(customer_id)) as events:
            yield Customer.of(await customers.me(ctx))
            async for _ in events:
                yield Customer.of(await customers.me(_fresh(ctx)))

    @strawberry.subscription(
        description="Stock of `skus` at a store now, then each time any of them changes."
    )
    async def stock_changed(
        self,
        info: Info[Context, None],
        store_id: Annotated[
            strawberry.ID, strawberry.argument(description="The store's global ID.")
        ],
        skus: Annotated[
            list[str], strawberry.argument(description="The skus to watch (1 to 100).")
        ],
    ) -> AsyncGenerator[StoreStockChange, None]:
        ctx = info.context
        broker = _broker(ctx)
        if not skus or len(skus) > MAX_WATCHED_SKUS:
            raise BadUserInput(f"Watch 1 to {MAX_WATCHED_SKUS} skus", argument="skus")
        local_id = expect_global_id(store_id, "Store", "storeId")
        location = await ctx.loaders.location_by_id.load(local_id)
        if location is None or location.kind != "STORE":
            raise BadUserInput(f"No store {store_id!r}", argument="storeId")
        store = Store.of(location)
        watched = sorted(set(skus))
        async with broker.subscribe(stock_topic(local_id)) as events:
            yield StoreStockChange(store=store, levels=await _store_levels(ctx, local_id, watched))
            async for event in events:
                changed = sorted(set(event.get("skus") or ()) & set(watched))
                if changed:
                    levels = await _store_levels(_fresh(ctx), local_id, changed)
                    yield StoreStockChange(store=store, levels=levels)
