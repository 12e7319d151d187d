"""Paying in store with the app: payment codes the till redeems, and scan-and-go."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.resolvers import instore, scan_and_go
from commercegraph.schema.cart import Cart
from commercegraph.schema.catalog import Store
from commercegraph.schema.common import CartIdArg, IdempotencyKey, Money
from commercegraph.schema.customer import Order
from commercegraph.schema.described import described_enum
from commercegraph.schema.wallet import OrderRewards
from commercegraph.usecases.store_payments import SaleLine

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


@strawberry.type(description="A scan-and-go purchase: the order, and the code to leave with.")
class ScanAndGoCheckout:
    order: Order = strawberry.field(description="The order, paid from the wallet.")
    exit_code: str = strawberry.field(
        description="Shown at the exit (as a barcode); the store checks it with verifyExitCode."
    )
    exit_code_expires_at: datetime = strawberry.field(description="After this it is refused.")


@described_enum(
    "What the exit code says.",
    VALID="Paid here, recently: let them through.",
    TAMPERED="Not a code the gateway signed, or changed since.",
    EXPIRED="Genuine, but older than CG_EXIT_CODE_TTL_SECONDS.",
    OTHER_STORE="Genuine, for a purchase at another store.",
)
class ExitCodeStatus(Enum):
    VALID = "VALID"
    TAMPERED = "TAMPERED"
    EXPIRED = "EXPIRED"
    OTHER_STORE = "OTHER_STORE"


@strawberry.type(description="The store's check of a scan-and-go exit code.")
class ExitCodeCheck:
    status: ExitCodeStatus = strawberry.field(description="VALID, or why not.")
    order: Order | None = strawberry.field(description="The purchase, unless TAMPERED.")
    expires_at: datetime | None = strawberry.field(description="When the code stops working.")


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
        lines = [SaleLine(x.sku, x.quantity, x.unit_price) for x in sale.lines]
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

    @strawberry.mutation(
        description="Start scan-and-go at a store (customer token): an empty MOBILE_APP cart in "
        "the store's currency, bound to that store."
    )
    async def start_scan_and_go(self, info: Info[Context, None], store_id: StoreArg) -> Cart:
        return Cart.of(await scan_and_go.start(info.context, str(store_id)))

    @strawberry.mutation(
        description="Add one unit of the product a shelf barcode names to a scan-and-go cart."
    )
    async def scan_to_cart(
        self,
        info: Info[Context, None],
        cart_id: CartIdArg,
        barcode: Annotated[str, strawberry.argument(description="The scanned shelf barcode.")],
    ) -> Cart:
        return Cart.of(await scan_and_go.scan(info.context, str(cart_id), barcode))

    @strawberry.mutation(
        description="Pay a scan-and-go cart from the wallet (reward credit first) and get the "
        "exit code. The same key answers the first outcome."
    )
    async def check_out_scan_and_go(
        self, info: Info[Context, None], cart_id: CartIdArg, idempotency_key: IdempotencyKey
    ) -> ScanAndGoCheckout:
        done = await scan_and_go.check_out(info.context, str(cart_id), idempotency_key)
        order = Order.of(done.settled.order)
        order._rewards = done.settled.rewards
        order._payment = done.settled.payment
        return ScanAndGoCheckout(
            order=order, exit_code=done.code, exit_code_expires_at=done.expires_at
        )

    @strawberry.mutation(
        description="The store checks an exit code (staff token): VALID, TAMPERED, EXPIRED or "
        "OTHER_STORE. Changes nothing."
    )
    async def verify_exit_code(
        self,
        info: Info[Context, None],
        code: Annotated[str, strawberry.argument(description="The code the app shows.")],
        store_id: StoreArg,
    ) -> ExitCodeCheck:
        info.context.caller.require_staff()
        store = await instore.store_location(info.context, str(store_id))
        check = await scan_and_go.verify(info.context, code, store)
        return ExitCodeCheck(
            status=ExitCodeStatus(check.status),
            order=Order.of(check.order) if check.order is not None else None,
            expires_at=check.expires_at,
        )
