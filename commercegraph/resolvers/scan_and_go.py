"""Scan-and-go: the app scans shelf barcodes into a cart bound to one store, pays it from
the wallet, and shows an exit code the store's door or staff verify.

A cart is bound to its store when started; checking out is the ordinary checkout saga
(stock held and sold at that store, the wallet debited, the same key answering the first
outcome). The exit code is ``order.store.issued.signature``: an HMAC-SHA256, under a key
derived from the gateway's signing secret, over the order, the store and the moment the
order was placed, so it verifies without a lookup, refuses any change, and expires
``CG_EXIT_CODE_TTL_SECONDS`` after the purchase.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from commercegraph.adapters.base import CartRecord, LocationRecord, OrderRecord
from commercegraph.context import Context
from commercegraph.errors import BadUserInput
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import cart as carts
from commercegraph.resolvers.checkout import Fulfillment, check_key
from commercegraph.resolvers.instore import store_location
from commercegraph.resolvers.settlement import Settled, checkout_and_settle
from commercegraph.services.regions import region_defaults

SIGNATURE_CHARS = 43  # the whole SHA-256, base64url without padding
MAX_EXIT_CODE = 200


@dataclass(frozen=True, slots=True)
class ExitPass:
    settled: Settled
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ExitCheck:
    status: str  # VALID | TAMPERED | EXPIRED | OTHER_STORE
    order: OrderRecord | None
    expires_at: datetime | None


def _key(ctx: Context) -> bytes:
    return hmac.new(ctx.settings.jwt_secret.encode(), b"scan-and-go exit code", "sha256").digest()


def _signature(ctx: Context, order_id: str, store_id: str, issued: int) -> str:
    mac = hmac.new(_key(ctx), f"{order_id}|{store_id}|{issued}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def exit_code(ctx: Context, order: OrderRecord, store_id: str) -> tuple[str, datetime]:
    issued = int(order.placed_at.timestamp())
    code = f"{order.id}.{store_id}.{issued}.{_signature(ctx, order.id, store_id, issued)}"
    ttl = timedelta(seconds=ctx.settings.exit_code_ttl_seconds)
    return code, datetime.fromtimestamp(issued, UTC) + ttl


async def start(ctx: Context, store_id: str) -> CartRecord:
    customer_id = ctx.caller.require_customer()
    store = await store_location(ctx, store_id)
    if not store.can_pickup:
        raise BadUserInput(f"{store.name} does not offer scan-and-go", argument="storeId")
    cart = await carts.create_cart(ctx, "MOBILE_APP", region_defaults(store.region).currency)
    await ctx.registry.in_store_state().bind_cart(cart.id, store.id, customer_id, ctx.now)
    return cart


async def _bound_store(ctx: Context, cart_id: str) -> str:
    local = expect_global_id(cart_id, "Cart", "cartId")
    store_id = await ctx.registry.in_store_state().cart_store(local)
    if store_id is None:
        raise BadUserInput("This cart was not started with startScanAndGo", argument="cartId")
    return store_id


async def scan(ctx: Context, cart_id: str, barcode: str) -> CartRecord:
    """A shelf barcode carries the sku; each scan adds one unit."""
    ctx.caller.require_customer()
    await _bound_store(ctx, cart_id)
    if not 1 <= len(barcode) <= 64 or not barcode.isprintable():
        raise BadUserInput("Not a shelf barcode", argument="barcode")
    (product,) = await ctx.registry.commerce.products_by_sku([barcode])
    if product is None:
        raise BadUserInput(f"No product has the barcode {barcode!r}", argument="barcode")
    return await carts.add_cart_line(ctx, cart_id, product.sku, 1)


async def check_out(ctx: Context, cart_id: str, idempotency_key: str) -> ExitPass:
    customer_id = ctx.caller.require_customer()
    key = check_key(idempotency_key)
    store_id = await _bound_store(ctx, cart_id)
    store_gid = to_global_id("Store", store_id)
    recorded = await ctx.registry.checkout_log().by_key(customer_id, key)
    if recorded is not None and recorded.plan is not None:
        wallet_amount = recorded.plan.payment.wallet_amount  # the first request, as it was
    else:
        wallet_amount = await _wallet_share(ctx, customer_id, cart_id, store_id)
    settled = await checkout_and_settle(
        ctx, cart_id, Fulfillment("PICKUP", store_gid), key, wallet_amount=wallet_amount
    )
    code, expires_at = exit_code(ctx, settled.order, store_id)
    return ExitPass(settled, code, expires_at)


async def _wallet_share(ctx: Context, customer_id: str, cart_id: str, store_id: str) -> int:
    """What the wallet pays, in the cart's currency: the total less the reward credit the
    checkout takes first. A wallet in another currency is converted by the checkout at the
    pricing side's rate, or refused with ``CURRENCY_MISMATCH``."""
    from commercegraph.resolvers.quote import quote_cart

    cart = await carts.open_cart(ctx, cart_id)
    quote = await quote_cart(
        ctx, cart.lines, channel=cart.channel, currency=cart.currency, store_id=store_id
    )
    credit = await ctx.loaders.reward_credit.load(customer_id)
    from_credit = credit.amount if credit is not None and credit.currency == cart.currency else 0
    return max(0, quote.total.amount - from_credit)


async def verify(ctx: Context, code: str, store: LocationRecord) -> ExitCheck:
    ctx.caller.require_staff()
    parts = code.split(".") if len(code) <= MAX_EXIT_CODE else []
    if len(parts) != 4 or not parts[2].isdigit() or len(parts[3]) != SIGNATURE_CHARS:
        return ExitCheck("TAMPERED", None, None)
    order_id, store_id, issued_text, signature = parts
    issued = int(issued_text)
    if not hmac.compare_digest(signature, _signature(ctx, order_id, store_id, issued)):
        return ExitCheck("TAMPERED", None, None)
    (order,) = await ctx.registry.commerce.orders_by_id([order_id])
    if order is None or order.store_id != store_id:
        return ExitCheck("TAMPERED", None, None)
    expires_at = datetime.fromtimestamp(issued, UTC) + timedelta(
        seconds=ctx.settings.exit_code_ttl_seconds
    )
    if store_id != store.id:
        return ExitCheck("OTHER_STORE", order, expires_at)
    if ctx.now >= expires_at:
        return ExitCheck("EXPIRED", order, expires_at)
    return ExitCheck("VALID", order, expires_at)
