"""Carts and checkout: the ``Cart`` node and the cart and order mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import CartRecord, ProductRecord
from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import cart as carts
from commercegraph.resolvers.quote import quote_cart
from commercegraph.resolvers.settlement import checkout_and_settle
from commercegraph.schema.catalog import Product
from commercegraph.schema.common import (
    CartIdArg,
    Channel,
    Currency,
    FulfillmentMethod,
    IdempotencyKey,
    Node,
    PageInfo,
    SkuArg,
    StoreIdArg,
)
from commercegraph.schema.customer import Order
from commercegraph.schema.enums import CartStatus
from commercegraph.schema.quote import PriceQuote
from commercegraph.usecases.checkout_plan import Fulfillment


@strawberry.input(
    description="How the order is paid: `walletAmount` from the wallet and a gift card "
    "(`giftCardCode`), reward credit for what they leave, the rest by `paymentMethodId`; "
    "or all of it at the store with `payAtPickup` (pickup orders, where the store and "
    "channel allow it). A wallet in another currency than the order pays the amount "
    "converted at the pricing rate (shown on `payment.exchange`), or is refused with "
    "CURRENCY_MISMATCH. A checkout that nothing pays for is refused with PAYMENT_REQUIRED."
)
class CheckoutPaymentInput:
    wallet_amount: int = strawberry.field(default=0, description="Minor units from the wallet.")
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None, description="Pays what the wallet and reward credit do not cover."
    )
    pay_at_pickup: bool = strawberry.field(
        default=False, description="Pay the whole order at the pickup store."
    )
    gift_card_code: str | None = strawberry.field(
        default=None, description="A gift card to spend, in the order's currency."
    )
    gift_card_amount: int | None = strawberry.field(
        default=None,
        description="Minor units from the gift card; as much as it covers when not given.",
    )


@strawberry.type(description="One sku in a cart, alone or as part of a bundle.")
class CartLine:
    sku: str = strawberry.field(description="The product's sku.")
    quantity: int = strawberry.field(description="Units of it.")
    bundle_id: strawberry.ID | None = strawberry.field(
        description="The bundle this line was added with, if any."
    )

    @strawberry.field(description="The product, if the catalog still has it.")
    async def product(self, info: Info[Context, None]) -> Product | None:
        record: ProductRecord | None = await info.context.loaders.product_by_sku.load(self.sku)
        return Product.of(record) if record is not None else None


@strawberry.type(description="A basket being filled; placeOrder checks it out.")
class Cart(Node):
    id: strawberry.ID = strawberry.field(description="The cart's global ID.")
    channel: Channel = strawberry.field(description="Where the cart was started.")
    currency: str = strawberry.field(description="ISO 4217 code the cart is priced in.")
    status: CartStatus = strawberry.field(description="OPEN, or ORDERED once checked out.")
    lines: list[CartLine] = strawberry.field(description="The lines, in the order added.")
    _record: strawberry.Private[CartRecord]

    @classmethod
    def of(cls, r: CartRecord) -> Cart:
        return cls(
            id=strawberry.ID(to_global_id("Cart", r.id)),
            channel=Channel(r.channel),
            currency=r.currency,
            status=CartStatus(r.status),
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
    async def quote(self, info: Info[Context, None], store_id: StoreIdArg = None) -> PriceQuote:
        r = self._record
        store = expect_global_id(store_id, "Store", "storeId") if store_id else None
        return PriceQuote.of(
            await quote_cart(
                info.context, r.lines, channel=r.channel, currency=r.currency, store_id=store
            )
        )


@strawberry.type(description="A cart in a page, with its cursor.")
class CartEdge:
    node: Cart = strawberry.field(description="The cart.")
    cursor: str = strawberry.field(description="Pass as `after` to page on from here.")


@strawberry.type(description="A page of carts, most recently changed first (Relay connection).")
class CartConnection:
    edges: list[CartEdge] = strawberry.field(description="This page, most recent first.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Carts matching, on every page.")


async def customer_carts(
    info: Info[Context, None],
    customer_id: str,
    first: int,
    after: str | None,
    status: CartStatus | None,
) -> CartConnection:
    page = await carts.customer_carts(
        info.context, customer_id, first, after, status.value if status else None
    )
    return CartConnection(
        edges=[
            CartEdge(node=Cart.of(c), cursor=cursor)
            for c, cursor in zip(page.items, page.cursors, strict=True)
        ],
        page_info=PageInfo.of(page),
        total_count=page.total_count,
    )


@strawberry.input(description="How an order is to reach the customer.")
class FulfillmentInput:
    method: FulfillmentMethod = strawberry.field(description="Ship it, or pick it up in store.")
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="PICKUP: the store; SHIP: optionally the location to ship from."
    )
    address: str | None = strawberry.field(default=None, description="SHIP: where to.")


@strawberry.type
class CartMutation:
    @strawberry.mutation(description="A new, empty cart for the caller (or anonymous).")
    async def create_cart(
        self,
        info: Info[Context, None],
        channel: Annotated[
            Channel, strawberry.argument(description="Where the customer is shopping.")
        ] = Channel.WEB,
        currency: Currency = None,
    ) -> Cart:
        return Cart.of(await carts.create_cart(info.context, channel.value, currency))

    @strawberry.mutation(
        description="Add units of a sku (merging with its line). Reserves nothing."
    )
    async def add_cart_line(
        self,
        info: Info[Context, None],
        cart_id: CartIdArg,
        sku: SkuArg,
        quantity: Annotated[int, strawberry.argument(description="Units to add, at least 1.")],
    ) -> Cart:
        return Cart.of(await carts.add_cart_line(info.context, cart_id, sku, quantity))

    @strawberry.mutation(
        description="Make a sku's line (not one tied to a bundle) hold exactly `quantity`; 0 "
        "removes it. Checked as addCartLine; sending it again changes nothing."
    )
    async def set_cart_line_quantity(
        self,
        info: Info[Context, None],
        cart_id: CartIdArg,
        sku: SkuArg,
        quantity: Annotated[
            int, strawberry.argument(description="Units the line should hold; 0 removes it.")
        ],
    ) -> Cart:
        return Cart.of(await carts.set_cart_line_quantity(info.context, cart_id, sku, quantity))

    @strawberry.mutation(description="Remove a sku's line (the one tied to `bundleId`, if given).")
    async def remove_cart_line(
        self,
        info: Info[Context, None],
        cart_id: CartIdArg,
        sku: SkuArg,
        bundle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The bundle the line was added with, if any."),
        ] = None,
    ) -> Cart:
        return Cart.of(await carts.remove_cart_line(info.context, cart_id, sku, bundle_id))

    @strawberry.mutation(
        description="Add one set of a bundle as lines tied to it; MIX_AND_MATCH takes `skus`."
    )
    async def add_bundle_to_cart(
        self,
        info: Info[Context, None],
        cart_id: CartIdArg,
        bundle_id: Annotated[strawberry.ID, strawberry.argument(description="The bundle.")],
        skus: Annotated[
            list[str] | None,
            strawberry.argument(description="MIX_AND_MATCH: the `pickCount` skus picked."),
        ] = None,
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
        cart_id: CartIdArg,
        fulfillment: Annotated[
            FulfillmentInput, strawberry.argument(description="Ship or pick up, and where.")
        ],
        idempotency_key: IdempotencyKey,
        payment: Annotated[
            CheckoutPaymentInput | None,
            strawberry.argument(description="How to pay: from the wallet and a payment method."),
        ] = None,
    ) -> Order:
        choice = Fulfillment(
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
            gift_card_code=payment.gift_card_code if payment else None,
            gift_card_amount=payment.gift_card_amount if payment else None,
        )
        order = Order.of(placed.order)
        order._rewards = placed.rewards
        order._payment = placed.payment
        return order
