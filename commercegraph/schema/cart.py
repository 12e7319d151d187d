"""Carts and checkout: the ``Cart`` node and the cart and order mutations."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import CartRecord, ProductRecord
from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import cart as carts
from commercegraph.resolvers import checkout
from commercegraph.resolvers.quote import quote_cart
from commercegraph.resolvers.settlement import checkout_and_settle
from commercegraph.schema.catalog import Product
from commercegraph.schema.common import Channel, FulfillmentMethod, Node
from commercegraph.schema.customer import Order
from commercegraph.schema.quote import PriceQuote


@strawberry.input(
    description="How the order is paid: reward credit first, then `walletAmount` from the "
    "wallet, the rest by `paymentMethodId`; or all of it at the store with `payAtPickup` "
    "(pickup orders, where the store and channel allow it). A checkout that nothing pays "
    "for is refused with PAYMENT_REQUIRED."
)
class CheckoutPaymentInput:
    wallet_amount: int = strawberry.field(default=0, description="Minor units from the wallet.")
    payment_method_id: strawberry.ID | None = None
    pay_at_pickup: bool = strawberry.field(
        default=False, description="Pay the whole order at the pickup store."
    )


@strawberry.type
class CartLine:
    sku: str
    quantity: int
    bundle_id: strawberry.ID | None = strawberry.field(
        description="The bundle this line was added with, if any."
    )

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> Product | None:
        record: ProductRecord | None = await info.context.loaders.product_by_sku.load(self.sku)
        return Product.of(record) if record is not None else None


@strawberry.type
class Cart(Node):
    id: strawberry.ID
    channel: Channel
    currency: str
    status: str = strawberry.field(description="OPEN, or ORDERED once checked out.")
    lines: list[CartLine]
    _record: strawberry.Private[CartRecord]

    @classmethod
    def of(cls, r: CartRecord) -> Cart:
        return cls(
            id=strawberry.ID(to_global_id("Cart", r.id)),
            channel=Channel(r.channel),
            currency=r.currency,
            status=r.status,
            lines=[
                CartLine(
                    sku=line.sku,
                    quantity=line.quantity,
                    bundle_id=strawberry.ID(to_global_id("Bundle", line.bundle_id))
                    if line.bundle_id
                    else None,
                )
                for line in r.lines
            ],
            _record=r,
        )

    @strawberry.field(
        description="The cart priced for the caller, bundle discounts applied; with `storeId` "
        "priced for pickup there, as placeOrder charges a pickup order."
    )
    async def quote(
        self, info: Info[Context, None], store_id: strawberry.ID | None = None
    ) -> PriceQuote:
        r = self._record
        store = expect_global_id(store_id, "Store", "storeId") if store_id else None
        return PriceQuote.of(
            await quote_cart(
                info.context, r.lines, channel=r.channel, currency=r.currency, store_id=store
            )
        )


@strawberry.input
class FulfillmentInput:
    method: FulfillmentMethod
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="PICKUP: the store; SHIP: optionally the location to ship from."
    )
    address: str | None = strawberry.field(default=None, description="SHIP: where to.")


@strawberry.type
class CartMutation:
    @strawberry.mutation(description="A new, empty cart for the caller (or anonymous).")
    async def create_cart(
        self, info: Info[Context, None], channel: Channel = Channel.WEB, currency: str | None = None
    ) -> Cart:
        return Cart.of(await carts.create_cart(info.context, channel.value, currency))

    @strawberry.mutation(
        description="Add units of a sku (merging with its line). Reserves nothing."
    )
    async def add_cart_line(
        self, info: Info[Context, None], cart_id: strawberry.ID, sku: str, quantity: int
    ) -> Cart:
        return Cart.of(await carts.add_cart_line(info.context, cart_id, sku, quantity))

    @strawberry.mutation(description="Remove a sku's line (the one tied to `bundleId`, if given).")
    async def remove_cart_line(
        self,
        info: Info[Context, None],
        cart_id: strawberry.ID,
        sku: str,
        bundle_id: strawberry.ID | None = None,
    ) -> Cart:
        return Cart.of(await carts.remove_cart_line(info.context, cart_id, sku, bundle_id))

    @strawberry.mutation(
        description="Add one set of a bundle as lines tied to it; MIX_AND_MATCH takes `skus`."
    )
    async def add_bundle_to_cart(
        self,
        info: Info[Context, None],
        cart_id: strawberry.ID,
        bundle_id: strawberry.ID,
        skus: list[str] | None = None,
    ) -> Cart:
        return Cart.of(await carts.add_bundle_to_cart(info.context, cart_id, bundle_id, skus))

    @strawberry.mutation(
        description="Check the cart out: validate, hold the stock, take the payment, place "
        "the order, commit the hold. The same key answers the first outcome: the same order, "
        "or the same error."
    )
    async def place_order(
        self,
        info: Info[Context, None],
        cart_id: strawberry.ID,
        fulfillment: FulfillmentInput,
        idempotency_key: str,
        payment: CheckoutPaymentInput | None = None,
    ) -> Order:
        choice = checkout.Fulfillment(
            method=fulfillment.method.value,
            store_id=fulfillment.store_id,
            address=fulfillment.address,
        )
        placed = await checkout_and_settle(
            info.context,
            cart_id,
            choice,
            idempotency_key,
            wallet_amount=payment.wallet_amount if payment else 0,
            payment_method_id=str(payment.payment_method_id)
            if payment and payment.payment_method_id
            else None,
            pay_at_pickup=payment.pay_at_pickup if payment else False,
        )
        order = Order.of(placed.order)
        order._rewards = placed.rewards
        order._payment = placed.payment
        return order
