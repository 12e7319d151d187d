"""Paying in store with the app: a payment code the till redeems.

The app asks for a code bound to the shopper and one store; it lives
``CG_STORE_PAYMENT_CODE_TTL_SECONDS`` and only its SHA-256 is stored. The till redeems it
with the sale's lines and an idempotency key: the code is claimed by one conditional update
(exactly one of two racing tills wins), the wallet is debited, the sale becomes a STORE
order and earns its points. Each step is keyed by the code, so the same idempotency key
again resumes or replays the first outcome; another key is refused.
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
from commercegraph.adapters.native.instore import NativeInStore
from commercegraph.errors import (
    BadUserInput,
    Conflict,
    CurrencyMismatch,
    InsufficientFunds,
    NotFound,
)
from commercegraph.services.regions import region_defaults
from commercegraph.usecases.order_payments import OrderRewards, award_order_points
from commercegraph.usecases.shopping import ShoppingPorts

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
    rewards: OrderRewards | None
    replayed: bool


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def issue_payment_code(
    state: NativeInStore, customer_id: str, store: LocationRecord, now: datetime, ttl_seconds: int
) -> IssuedCode:
    code = CODE_PREFIX + base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    expires_at = now + timedelta(seconds=ttl_seconds)
    await state.add_payment_code(
        f"spc_{secrets.token_hex(12)}", code_hash(code), customer_id, store.id, now, expires_at
    )
    return IssuedCode(code, store, region_defaults(store.region).currency, expires_at)


def check_lines(lines: list[SaleLine], discount: int) -> int:
    """The sale's total, once its lines and discount are within bounds."""
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


def sale_fingerprint(store_id: str, lines: list[SaleLine], discount: int) -> str:
    request = [store_id, [[x.sku, x.quantity, x.unit_price] for x in lines], discount]
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()


def check_code(code: str) -> str:
    if not 1 <= len(code) <= MAX_CODE_LENGTH or not code.isprintable():
        raise BadUserInput("Not a payment code", argument="code")
    return code


async def redeem_payment_code(
    ports: ShoppingPorts,
    state: NativeInStore,
    code: str,
    store: LocationRecord,
    lines: list[SaleLine],
    discount: int,
    key: str,
    now: datetime,
) -> StoreSale:
    """The till's sale at ``store`` paid by ``code`` under the idempotency ``key`` (both
    checked)."""
    amount = check_lines(lines, discount)
    products = await ports.commerce.products_by_sku([x.sku for x in lines])
    for i, product in enumerate(products):
        if product is None:
            raise BadUserInput(f"Unknown sku {lines[i].sku!r}", argument=f"sale.lines[{i}].sku")
    digest = code_hash(code)
    found = await state.payment_code(digest)
    if found is None:
        raise NotFound("No such payment code", argument="code")
    if found.store_id != store.id:
        raise BadUserInput("This code was issued for another store", argument="code")
    currency = region_defaults(store.region).currency
    fingerprint = sale_fingerprint(store.id, lines, discount)
    if found.redeemed_key is None:
        if found.expires_at <= now:
            raise BadUserInput("The payment code has expired", argument="code")
        await _wallet_amount(ports, found.customer_id, currency, amount, store.name)
        await state.claim_payment_code(digest, key, fingerprint, amount, now)
        found = await state.payment_code(digest)
        assert found is not None
    replayed = found.redeemed_key == key and found.order_id is not None
    if found.redeemed_key != key:
        if found.redeemed_key is None:
            raise BadUserInput("The payment code has expired", argument="code")
        raise Conflict("The payment code was already used", argument="code")
    if found.fingerprint != fingerprint:
        raise Conflict("This idempotency key was used for another sale", argument="idempotencyKey")
    take = await _wallet_amount(ports, found.customer_id, currency, amount, store.name)
    try:
        posting = await ports.wallet.pay(
            found.customer_id, take, f"store-sale:{found.id}", f"paycode:{found.id}"
        )
    except InsufficientFunds:
        await state.release_payment_code(digest, key)
        raise
    order = await ports.commerce.record_external_order(
        ExternalOrder(
            idempotency_key=f"paycode:{found.id}",
            customer_id=found.customer_id,
            channel="STORE",
            placed_at=now,
            currency=currency,
            lines=tuple(
                OrderLineRecord(x.sku, x.quantity, Money(x.unit_price, currency)) for x in lines
            ),
            discount=discount,
            store_id=store.id,
        )
    )
    rewards = await award_order_points(ports, order, now)
    await state.settle_payment_code(digest, order.id)
    return StoreSale(order, Money(amount, currency), posting.balance, rewards, replayed)


async def _wallet_amount(
    ports: ShoppingPorts, customer_id: str, currency: str, amount: int, store_name: str
) -> int:
    """What the wallet pays for ``amount`` of the store's currency: the same amount when
    the wallet holds that currency, converted at the pricing side's rate when it holds
    another (the debit is keyed by the code, so a retry takes what the first took), and
    refused with ``CURRENCY_MISMATCH`` when no rate is known — never one for one."""
    (wallet,) = await ports.wallet.wallets([customer_id])
    if wallet is None or wallet.balance.currency == currency:
        return amount
    held = wallet.balance.currency
    rate = None
    if ports.tenders is not None:
        rate = await ports.tenders.rate(currency, held)
    if rate is None:
        raise CurrencyMismatch(
            f"{store_name} takes {currency}; the wallet holds {held} and no rate converts it",
            argument="storeId",
        )
    return rate.convert(amount)
