"""Paying in store with the app: payment codes the till redeems."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.resolvers import instore
from commercegraph.schema.catalog import Store
from commercegraph.schema.common import IdempotencyKey, Money
from commercegraph.schema.customer import Order
from commercegraph.schema.wallet import OrderRewards

StoreArg = Annotated[strawberry.ID, strawberry.argument(description="The store's global ID.")]


@strawberry.type(description="A one-time code the app shows at a store's till, as a barcode.")
class StorePaymentCode:
    code: str = strawberry.field(description="The secret code; shown once, stored only hashed.")
    barcode: str = strawberry.field(
        description="The payload to render as a QR or Code 128 barcode (the code itself)."
    )
    store: Store = strawberry.field(description="The only store that may redeem it.")
    currency: str = strawberry.field(description="What the store's tills charge in.")
    expires_at: datetime = strawberry.field(description="After this the code is refused.")


@strawberry.input(description="One line of an in-store sale, priced by the till.")
class StoreSaleLineInput:
    sku: str = strawberry.field(description="The product's sku.")
    quantity: int = strawberry.field(description="Units sold, 1 to 999.")
    unit_price: int = strawberry.field(description="Minor units per unit, as the till prices it.")


@strawberry.input(description="What the till sells against a payment code.")
class StoreSaleInput:
    lines: list[StoreSaleLineInput] = strawberry.field(description="1 to 100 lines.")
    discount: int = strawberry.field(default=0, description="Minor units off the whole sale.")


@strawberry.type(description="A sale paid with the app's code: order, payment and points.")
class StoreCodePayment:
    order: Order = strawberry.field(description="The STORE order the sale became.")
    paid: Money = strawberry.field(description="Taken from the wallet.")
    wallet_balance: Money = strawberry.field(description="The wallet right after the payment.")
    rewards: OrderRewards | None = strawberry.field(description="The points the sale earned.")
    replayed: bool = strawberry.field(
        description="True when this idempotency key had already redeemed the code."
    )


@strawberry.type
class InStoreMutation:
    @strawberry.mutation(
        description="A short-lived, single-use payment code for the caller at one store "
        "(customer token)."
    )
    async def create_store_payment_code(
        self, info: Info[Context, None], store_id: StoreArg
    ) -> StorePaymentCode:
        issued = await instore.issue_payment_code(info.context, store_id)
        return StorePaymentCode(
            code=issued.code,
            barcode=issued.code,
            store=Store.of(issued.store),
            currency=issued.currency,
            expires_at=issued.expires_at,
        )

    @strawberry.mutation(
        description="The till redeems a payment code (staff token): debits the wallet, records "
        "the STORE order and earns its points in one step. The same key answers the first "
        "outcome; a code already redeemed under another key is a CONFLICT."
    )
    async def redeem_store_payment_code(
        self,
        info: Info[Context, None],
        code: Annotated[str, strawberry.argument(description="The code the app showed.")],
        store_id: StoreArg,
        sale: Annotated[StoreSaleInput, strawberry.argument(description="What is sold.")],
        idempotency_key: IdempotencyKey,
    ) -> StoreCodePayment:
        lines = [instore.SaleLine(x.sku, x.quantity, x.unit_price) for x in sale.lines]
        done = await instore.redeem_payment_code(
            info.context, code, str(store_id), lines, sale.discount, idempotency_key
        )
        order = Order.of(done.order)
        return StoreCodePayment(
            order=order,
            paid=Money.of(done.paid),
            wallet_balance=Money.of(done.balance),
            rewards=OrderRewards.of(done.rewards) if done.rewards is not None else None,
            replayed=done.replayed,
        )
