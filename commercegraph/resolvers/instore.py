"""Paying in store with the app: a payment code the till redeems.

The app asks for a code bound to the shopper and one store; it lives
``CG_STORE_PAYMENT_CODE_TTL_SECONDS`` and only its SHA-256 is stored. The till (a staff
token) redeems it with the sale's lines and an idempotency key: the code is claimed by one
conditional update (exactly one of two racing tills wins), the wallet is debited, the sale
becomes a STORE order and earns its points. Each step is keyed by the code, so the same
idempotency key again resumes or replays the first outcome; another key is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from commercegraph.adapters.base import (
    ExternalOrder,
    LocationRecord,
    Money,
    OrderLineRecord,
    OrderRecord,
)
from commercegraph.context import Context
from commercegraph.errors import (
    BadUserInput,
    Conflict,
    CurrencyMismatch,
    InsufficientFunds,
    NotFound,
)
from commercegraph.ids import expect_global_id
from commercegraph.resolvers import wallet as wallet_steps
from commercegraph.resolvers.checkout import check_key
from commercegraph.services.regions import region_defaults

CODE_PREFIX = "CGPAY-"
CODE_BYTES = 15  # 120 bits: not guessable in a code's few minutes of life
MAX_LINES = 100
MAX_QUANTITY = 999
MAX_UNIT_PRICE = 10_000_000
MAX_CODE_LENGTH = 64
MAX_SALE_TOTAL = 2_147_483_647  # orders store 32-bit amounts


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    store: LocationRecord
    currency: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SaleLine:
    sku: str
    quantity: int
    unit_price: int


@dataclass(frozen=True, slots=True)
class StoreSale:
    order: OrderRecord
    paid: Money
    balance: Money
    rewards: wallet_steps.OrderRewards | None
    replayed: bool


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def store_location(ctx: Context, store_id: str, argument: str = "storeId") -> LocationRecord:
    local_id = expect_global_id(store_id, "Store", argument)
    (location,) = await ctx.registry.inventory.locations_by_id([local_id])
    if location is None or location.kind != "STORE":
        raise BadUserInput(f"No store {store_id!r}", argument=argument)
    return location


async def issue_payment_code(ctx: Context, store_id: str) -> IssuedCode:
    customer_id = ctx.caller.require_customer()
    store = await store_location(ctx, store_id)
    code = CODE_PREFIX + base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    expires_at = ctx.now + timedelta(seconds=ctx.settings.store_payment_code_ttl_seconds)
    await ctx.registry.in_store_state().add_payment_code(
        f"spc_{secrets.token_hex(12)}", code_hash(code), customer_id, store.id, ctx.now, expires_at
    )
    return IssuedCode(code, store, region_defaults(store.region).currency, expires_at)


def _check_lines(lines: list[SaleLine], discount: int) -> int:
    if not 1 <= len(lines) <= MAX_LINES:
        raise BadUserInput(f"A sale has 1 to {MAX_LINES} lines", argument="sale.lines")
    for i, line in enumerate(lines):
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise BadUserInput(
                f"quantity must be 1 to {MAX_QUANTITY}", argument=f"sale.lines[{i}].quantity"
            )
        if not 0 <= line.unit_price <= MAX_UNIT_PRICE:
            raise BadUserInput(
                f"unitPrice must be 0 to {MAX_UNIT_PRICE} minor units",
                argument=f"sale.lines[{i}].unitPrice",
            )
    subtotal = sum(line.quantity * line.unit_price for line in lines)
    if not 0 <= discount <= subtotal:
        raise BadUserInput("discount must be 0 to the subtotal", argument="sale.discount")
    if subtotal > MAX_SALE_TOTAL:
        raise BadUserInput(f"The sale exceeds {MAX_SALE_TOTAL} minor units", argument="sale.lines")
    if subtotal - discount <= 0:
        raise BadUserInput("A sale paid by code has something to pay", argument="sale.lines")
    return subtotal - discount


def _fingerprint(store_id: str, lines: list[SaleLine], discount: int) -> str:
    request = [store_id, [[x.sku, x.quantity, x.unit_price] for x in lines], discount]
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()


async def redeem_payment_code(
    ctx: Context,
    code: str,
    store_id: str,
    lines: list[SaleLine],
    discount: int,
    idempotency_key: str,
) -> StoreSale:
    ctx.caller.require_staff()
    key = check_key(idempotency_key)
    if not 1 <= len(code) <= MAX_CODE_LENGTH or not code.isprintable():
        raise BadUserInput("Not a payment code", argument="code")
    store = await store_location(ctx, store_id)
    amount = _check_lines(lines, discount)
    products = await ctx.registry.commerce.products_by_sku([x.sku for x in lines])
    for i, product in enumerate(products):
        if product is None:
            raise BadUserInput(f"Unknown sku {lines[i].sku!r}", argument=f"sale.lines[{i}].sku")
    state = ctx.registry.in_store_state()
    digest = code_hash(code)
    found = await state.payment_code(digest)
    if found is None:
        raise NotFound("No such payment code", argument="code")
    if found.store_id != store.id:
        raise BadUserInput("This code was issued for another store", argument="code")
    currency = region_defaults(store.region).currency
    fingerprint = _fingerprint(store.id, lines, discount)
    if found.redeemed_key is None:
        if found.expires_at <= ctx.now:
            raise BadUserInput("The payment code has expired", argument="code")
        await _wallet_amount(ctx, found.customer_id, currency, amount, store.name)
        await state.claim_payment_code(digest, key, fingerprint, amount, ctx.now)
        found = await state.payment_code(digest)
        assert found is not None
    replayed = found.redeemed_key == key and found.order_id is not None
    if found.redeemed_key != key:
        if found.redeemed_key is None:
            raise BadUserInput("The payment code has expired", argument="code")
        raise Conflict("The payment code was already used", argument="code")
    if found.fingerprint != fingerprint:
        raise Conflict("This idempotency key was used for another sale", argument="idempotencyKey")
    take = await _wallet_amount(ctx, found.customer_id, currency, amount, store.name)
    try:
        posting = await ctx.registry.wallet.pay(
            found.customer_id, take, f"store-sale:{found.id}", f"paycode:{found.id}"
        )
    except InsufficientFunds:
        await state.release_payment_code(digest, key)
        raise
    order = await ctx.registry.commerce.record_external_order(
        ExternalOrder(
            idempotency_key=f"paycode:{found.id}",
            customer_id=found.customer_id,
            channel="STORE",
            placed_at=ctx.now,
            currency=currency,
            lines=tuple(
                OrderLineRecord(x.sku, x.quantity, Money(x.unit_price, currency)) for x in lines
            ),
            discount=discount,
            store_id=store.id,
        )
    )
    rewards = await wallet_steps.award_order_points(ctx, order)
    await state.settle_payment_code(digest, order.id)
    return StoreSale(order, Money(amount, currency), posting.balance, rewards, replayed)


async def _wallet_amount(
    ctx: Context, customer_id: str, currency: str, amount: int, store_name: str
) -> int:
    """What the wallet pays for ``amount`` of the store's currency: the same amount when
    the wallet holds that currency, converted at the pricing side's rate when it holds
    another (the debit is keyed by the code, so a retry takes what the first took), and
    refused with ``CURRENCY_MISMATCH`` when no rate is known — never one for one."""
    (wallet,) = await ctx.registry.wallet.wallets([customer_id])
    if wallet is None or wallet.balance.currency == currency:
        return amount
    held = wallet.balance.currency
    rate = None
    if ctx.registry.tenders is not None:
        rate = await ctx.registry.tenders.rate(currency, held)
    if rate is None:
        raise CurrencyMismatch(
            f"{store_name} takes {currency}; the wallet holds {held} and no rate converts it",
            argument="storeId",
        )
    return rate.convert(amount)
