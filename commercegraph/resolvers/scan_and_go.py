"""Scan-and-go for the caller (``usecases.scan_and_go``): a cart bound to one store,
filled by shelf barcodes, checked out from the wallet for an exit code staff verify."""

from __future__ import annotations

from commercegraph.adapters.base import CartRecord, LocationRecord
from commercegraph.context import Context
from commercegraph.errors import BadUserInput
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import cart as carts
from commercegraph.resolvers.instore import store_location
from commercegraph.resolvers.settlement import checkout_and_settle
from commercegraph.services.regions import region_defaults
from commercegraph.usecases import scan_and_go
from commercegraph.usecases.checkout_plan import Fulfillment
from commercegraph.usecases.scan_and_go import ExitCheck, ExitPass
from commercegraph.usecases.shopping import ShoppingPorts
from commercegraph.usecases.validation import check_key


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
        cart = await carts.open_cart(ctx, cart_id)
        wallet_amount = await scan_and_go.wallet_share(
            ShoppingPorts.of(ctx.registry, ctx.settings, ctx.loaders),
            customer_id,
            cart,
            store_id,
            ctx.now,
        )
    settled = await checkout_and_settle(
        ctx, cart_id, Fulfillment("PICKUP", store_gid), key, wallet_amount=wallet_amount
    )
    settings = ctx.settings
    code, expires_at = scan_and_go.exit_code(
        settings.jwt_secret, settled.order, store_id, settings.exit_code_ttl_seconds
    )
    return ExitPass(settled, code, expires_at)


async def verify(ctx: Context, code: str, store: LocationRecord) -> ExitCheck:
    ctx.caller.require_staff()
    settings = ctx.settings
    return await scan_and_go.verify(
        ctx.registry.commerce,
        settings.jwt_secret,
        code,
        store,
        ctx.now,
        settings.exit_code_ttl_seconds,
    )
