"""A checkout that dies at any point is finished or undone by recovery: the process is
stopped (an exception nothing catches) right after each step's effect, before it is
recorded, and right after each step is recorded; the reservation sweep runs while it is
dead; then recovery runs and the same key is retried. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, cast

import pytest
from sqlalchemy import select, update

from commercegraph.adapters.registry import build_registry
from commercegraph.auth import Caller
from commercegraph.config import Settings
from commercegraph.context import Context
from commercegraph.demo import DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from commercegraph.resolvers import checkout, settlement
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import checkout as saga
from tests.conftest import SeededDatabase, settings_for
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.shoppers import shopper, unpaid_orders, wallet_balance
from tests.wallet.audit import audit_ledger

WALLET = 5_000
SHARE = 1_000
UNITS = 2
STOCK = 10
LATER = timedelta(hours=3)  # past every hold and every lease


class Crash(BaseException):
    """The process stops here: nothing after it runs, no handler sees it."""


class DiesAfter:
    """A port whose ``method`` does its work and then the process dies."""

    def __init__(self, inner: Any, method: str) -> None:
        self.inner, self.method = inner, method

    def __getattr__(self, name: str) -> Any:
        real = getattr(self.inner, name)
        if name != self.method:
            return real

        async def then_die(*args: Any, **kwargs: Any) -> Any:
            await real(*args, **kwargs)
            raise Crash(name)

        return then_die


@dataclass
class Shop:
    settings: Settings
    store: Store
    customer_id: str
    card: str
    ctx: Context
    cart_id: str  # global
    local_cart_id: str


async def open_shop(db: SeededDatabase, store: Store) -> Shop:
    settings = settings_for(db.url)
    cid = f"cus_crash_{uuid.uuid4().hex[:8]}"
    card = await shopper(store, settings, cid, wallet=WALLET)
    await set_stock(store, DEVI_SHOES_SKU, DOWNTOWN_ID, STOCK)
    caller = Caller(customer_id=cid, scopes=frozenset({"customer"}), subject=cid)
    ctx = Context.build(caller, build_registry(settings, store), settings)
    cart = await ctx.registry.commerce.create_cart(cid, "WEB", "USD")
    await ctx.registry.commerce.set_cart_line(cart.id, DEVI_SHOES_SKU, UNITS)
    return Shop(settings, store, cid, card, ctx, to_global_id("Cart", cart.id), cart.id)


PICKUP = checkout.Fulfillment("PICKUP", to_global_id("Store", DOWNTOWN_ID))


def choice(shop: Shop) -> checkout.PaymentChoice:
    return checkout.PaymentChoice(SHARE, shop.card)


async def start_and_die(shop: Shop, key: str, ports: saga.CheckoutPorts, hook: Any) -> None:
    planned = await checkout.plan_checkout(shop.ctx, shop.cart_id, PICKUP, key, choice(shop))
    with pytest.raises(Crash):
        await saga.start(ports, planned, clock=utcnow, timing=saga.SagaTiming(), hook=hook)


async def recover_later(shop: Shop, after: timedelta) -> dict[str, int]:
    """After the crash: the sweep runs, then recovery, both once every lease ran out."""
    await shop.ctx.registry.inventory.release_expired(utcnow() + after)
    ports = settlement.checkout_ports(shop.ctx)
    return await saga.recover(ports, clock=lambda: utcnow() + after, timing=saga.SagaTiming())


async def record_of(shop: Shop, key: str) -> Any:
    return await shop.ctx.registry.checkout_log().by_key(shop.customer_id, key)


def no_hook(_: str) -> None:
    return None


def die_at(step: str) -> Callable[[str], None]:
    def hook(done: str) -> None:
        if done == step:
            raise Crash(step)

    return hook


EFFECTS = [("inventory", "reserve"), ("wallet", "pay"), ("commerce", "place_order")]
EFFECTS += [("inventory", "commit_reservation")]
RECORDED = ["HELD", "PAID", "PLACED"]


@pytest.mark.parametrize(
    "crash",
    [f"effect:{port}.{method}" for port, method in EFFECTS] + [f"recorded:{s}" for s in RECORDED],
)
async def test_a_checkout_killed_at_any_step_is_finished_by_recovery(
    crash: str, fresh_db: SeededDatabase, fresh_store: Store
) -> None:
    shop = await open_shop(fresh_db, fresh_store)
    ports = settlement.checkout_ports(shop.ctx)
    hook: Callable[[str], None] = no_hook
    kind, _, where = crash.partition(":")
    if kind == "effect":
        port, method = where.split(".")
        ports = replace(ports, **{port: cast(Any, DiesAfter(getattr(ports, port), method))})
    else:
        hook = die_at(where)
    key = f"crash-{where}"
    await start_and_die(shop, key, ports, hook)
    dead = await record_of(shop, key)
    assert dead is not None and dead.status == "PENDING"

    later = utcnow() + LATER
    await shop.ctx.registry.inventory.release_expired(later)
    (hold,) = await shop.ctx.registry.inventory.reservations([dead.reservation_reference])
    if dead.step in ("PAID", "PLACED") or where in ("place_order", "commit_reservation"):
        # paid for (and maybe placed): the sweep must not give these units back
        assert hold is not None and hold.status in ("HELD", "COMMITTED"), hold

    counts = await saga.recover(
        settlement.checkout_ports(shop.ctx),
        clock=lambda: utcnow() + LATER,
        timing=saga.SagaTiming(),
    )
    assert counts == {"placed": 1}
    done = await record_of(shop, key)
    assert done.status == "SUCCEEDED" and done.order_id is not None
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (STOCK - UNITS, 0, 0)
    assert await wallet_balance(fresh_store, shop.customer_id) == WALLET - SHARE
    assert await unpaid_orders(fresh_store) == []
    await audit_ledger(fresh_store)

    retried = await settlement.checkout_and_settle(
        shop.ctx, shop.cart_id, PICKUP, key, wallet_amount=SHARE, payment_method_id=shop.card
    )
    assert retried.order.id == done.order_id and retried.payment is not None
    assert retried.payment.wallet_amount.amount == SHARE
    assert await saga.recover(ports, clock=lambda: utcnow() + LATER, timing=saga.SagaTiming()) == {}


async def test_a_checkout_that_cannot_be_placed_after_paying_is_refunded_and_released(
    fresh_db: SeededDatabase, fresh_store: Store
) -> None:
    shop = await open_shop(fresh_db, fresh_store)
    ports = settlement.checkout_ports(shop.ctx)
    await start_and_die(shop, "gone-1", ports, die_at("PAID"))
    assert await wallet_balance(fresh_store, shop.customer_id) == WALLET - SHARE
    async with fresh_store.write() as session:  # the cart is closed while the process is dead
        await session.execute(
            update(m.Cart).where(m.Cart.id == shop.local_cart_id).values(status="ABANDONED")
        )
    # and the compensation itself dies once, after the refund
    dying = replace(ports, inventory=cast(Any, DiesAfter(ports.inventory, "release_reservation")))
    with pytest.raises(Crash):
        await saga.recover(dying, clock=lambda: utcnow() + LATER, timing=saga.SagaTiming())
    assert await recover_later(shop, 2 * LATER) == {"compensated": 1}
    failed = await record_of(shop, "gone-1")
    assert failed.status == "FAILED" and failed.failure.code == "CONFLICT"
    assert await wallet_balance(fresh_store, shop.customer_id) == WALLET
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (STOCK, 0, 0)
    await audit_ledger(fresh_store)
    with pytest.raises(saga.CheckoutFailed) as answered:
        await settlement.checkout_and_settle(
            shop.ctx,
            shop.cart_id,
            PICKUP,
            "gone-1",
            wallet_amount=SHARE,
            payment_method_id=shop.card,
        )
    assert answered.value.code == "CONFLICT"
    async with fresh_store.read() as session:
        orders = list(
            await session.scalars(
                select(m.Order.id).where(
                    m.Order.customer_id == shop.customer_id, m.Order.idempotency_key == "gone-1"
                )
            )
        )
    assert orders == []
