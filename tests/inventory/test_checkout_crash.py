"""``kill -9`` of a real server in the middle of a checkout burst, on PostgreSQL.

The server runs as a child process on loopback against a seeded database; the test sends a
bounded burst of checkouts paying from the wallet (the rest by card) or at pickup, kills
the server at a moment drawn from the seed, restarts it (recovery runs at start-up) and
retries every key. Then: every order is paid or explicitly paid at pickup, no unit is sold
twice, no hold of a placed order is released (also after the sweep), the ledger balances,
and every key that was answered before the kill answers the same again. A second test
makes the server exit right after each saga step in turn.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from commercegraph.adapters.registry import build_registry
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo import DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.checkout_recovery import CRASH_EXIT_CODE
from tests.factories import demo_database, open_store
from tests.inventory.conftest import FRESH_CUSTOMERS, FRESH_SEED, set_stock, stock_of
from tests.inventory.server import Server
from tests.inventory.shoppers import shopper, unpaid_orders, wallet_balance
from tests.wallet.audit import audit_ledger

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PLACE = """mutation($c: ID!, $k: String!, $p: CheckoutPaymentInput) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: $p,
             fulfillment: {method: PICKUP, storeId: "%s"}) { id } }""" % to_global_id(
    "Store", DOWNTOWN_ID
)
SKU = DEVI_SHOES_SKU
SHOPPERS = 8
CHECKOUTS_EACH = 5
STOCK = 24  # fewer units than the burst asks for: some checkouts must find none
SHARE = 1_000
WALLET = 3 * SHARE  # each shopper affords three wallet shares
# small pools: several servers share one PostgreSQL with other test runs
SERVER = {"checkout_lease_seconds": "1", "checkout_wait_seconds": "5", "db_pool_size": "5"}
LOST = "LOST"  # the server died before answering


@pytest.fixture(scope="module")
def crash_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("crash")
    with demo_database("postgresql", directory, customers=FRESH_CUSTOMERS, seed=FRESH_SEED) as db:
        yield db.url


@pytest_asyncio.fixture
async def store(crash_url: str) -> AsyncIterator[Store]:
    async with open_store(crash_url) as store:
        yield store


@dataclass(frozen=True)
class Checkout:
    customer_id: str
    token: str
    cart_id: str
    key: str
    payment: dict[str, Any]


async def prepare(store: Store, settings: Settings, run: str, rng: random.Random) -> list[Checkout]:
    """Shoppers with wallet money and a card, and one cart per checkout."""
    registry = build_registry(settings, store)
    await set_stock(store, SKU, DOWNTOWN_ID, STOCK)
    planned = []
    for n in range(SHOPPERS):
        cid = f"cus_kill_{run}_{n}"
        card = await shopper(store, settings, cid, wallet=WALLET)
        token = issue_token(settings, subject=cid, scope="customer")
        for k in range(CHECKOUTS_EACH):
            cart = await registry.commerce.create_cart(cid, "WEB", "USD")
            await registry.commerce.set_cart_line(cart.id, SKU, rng.choice((1, 1, 2)))
            pay: dict[str, Any] = (
                {"payAtPickup": True}
                if rng.random() < 0.3
                else {"walletAmount": SHARE, "paymentMethodId": card}
            )
            planned.append(Checkout(cid, token, to_global_id("Cart", cart.id), f"k-{k}", pay))
    await registry.aclose()
    return planned


async def place(
    http: httpx.AsyncClient, c: Checkout, delay: float = 0.0, answered: Any = None
) -> str:
    await asyncio.sleep(delay)
    try:
        response = await http.post(
            "/graphql",
            json={"query": PLACE, "variables": {"c": c.cart_id, "k": c.key, "p": c.payment}},
            headers={"Authorization": f"Bearer {c.token}"},
        )
        body = response.json()
    except (httpx.TransportError, ValueError):
        return LOST
    if answered is not None:
        answered()
    if body.get("errors"):
        return str(body["errors"][0]["extensions"].get("code"))
    return str(body["data"]["placeOrder"]["id"])


async def retry_all(base: str, burst: list[Checkout]) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=20) as http:
        return list(await asyncio.gather(*(place(http, c) for c in burst)))


async def check_invariants(store: Store, customers: set[str]) -> None:
    async with store.read() as session:
        pending = await session.scalar(
            select(func.count()).select_from(m.Checkout).where(m.Checkout.status == "PENDING")
        )
        sold = await session.scalar(
            select(func.coalesce(func.sum(m.OrderLine.quantity), 0))
            .join(m.Order, m.Order.id == m.OrderLine.order_id)
            .where(m.Order.customer_id.in_(customers), m.OrderLine.sku == SKU)
        )
    assert pending == 0
    assert await unpaid_orders(store) == []
    assert await stock_of(store, SKU, DOWNTOWN_ID) == (STOCK - int(sold or 0), 0, 0)
    assert await placed_holds_not_committed(store) == []
    await audit_ledger(store)
    async with store.read() as session:
        for cid in customers:
            spent = sum(
                c.plan["payment"]["wallet_amount"]
                for c in await session.scalars(
                    select(m.Checkout).where(
                        m.Checkout.customer_id == cid, m.Checkout.status == "SUCCEEDED"
                    )
                )
            )
            assert await wallet_balance(store, cid) == WALLET - spent, cid


async def placed_holds_not_committed(store: Store) -> list[str]:
    async with store.read() as session:
        rows = await session.execute(
            select(m.StockReservation.reference, m.StockReservation.status)
            .join(
                m.OrderFulfillment,
                m.OrderFulfillment.reservation_reference == m.StockReservation.reference,
            )
            .where(m.StockReservation.status != "COMMITTED")
        )
        return [f"{ref}={status}" for ref, status in rows]


async def sweep_later(store: Store, settings: Settings) -> None:
    """``release-reservations`` long after every hold ran out."""
    registry = build_registry(settings, store)
    await registry.inventory.release_expired(utcnow() + timedelta(hours=3))
    await registry.aclose()


@pytest.mark.parametrize("seed", [11, 23, 37])
async def test_kill_9_mid_burst_then_restart_and_retry(
    seed: int, crash_url: str, store: Store, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    settings = Settings(database_url=crash_url)
    burst = await prepare(store, settings, f"s{seed}_{uuid.uuid4().hex[:4]}", rng)
    customers = {c.customer_id for c in burst}
    server = Server(crash_url, tmp_path / "server.log", **SERVER).start()
    try:
        # the moment: once a drawn share of the burst was answered, plus a drawn delay
        kill_after, kill_delay = rng.randint(1, len(burst) // 2), rng.uniform(0, 0.1)
        done = asyncio.Event()
        count = [0]

        def answered() -> None:
            count[0] += 1
            if count[0] >= kill_after:
                done.set()

        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(base_url=server.base, timeout=30, limits=limits) as http:

            async def killer() -> None:
                await asyncio.wait_for(done.wait(), timeout=30)
                await asyncio.sleep(kill_delay)
                server.kill()

            kill = asyncio.create_task(killer())
            first = await asyncio.gather(
                *(place(http, c, rng.uniform(0, 0.3), answered) for c in burst)
            )
            await kill
        assert LOST in first, "the kill came after the burst: nothing was cut"
        await asyncio.sleep(1.2)  # the dead server's leases run out
        server = Server(crash_url, tmp_path / "server.log", **SERVER).start()

        retried = await retry_all(server.base, burst)
        assert LOST not in retried and "CHECKOUT_IN_PROGRESS" not in retried, retried
        answered = [(a, b) for a, b in zip(first, retried, strict=True) if a != LOST]
        assert all(a == b for a, b in answered), answered
        assert set(retried) <= {"OUT_OF_STOCK", "INSUFFICIENT_FUNDS", "PAY_AT_PICKUP_LIMIT"} | {
            o
            for o in retried
            if o.startswith("T3Jk")  # global Order ids
        }, retried
        assert await retry_all(server.base, burst) == retried
    finally:
        server.stop()

    await check_invariants(store, customers)
    await sweep_later(store, settings)
    await check_invariants(store, customers)


@pytest.mark.parametrize("steps", [("HELD", "PAID", "PLACED", "COMMITTED")])
async def test_the_server_exiting_after_each_step_loses_nothing(
    steps: tuple[str, ...], crash_url: str, store: Store, tmp_path: Path
) -> None:
    settings = Settings(database_url=crash_url)
    rng = random.Random(5)
    burst = await prepare(store, settings, f"step_{uuid.uuid4().hex[:4]}", rng)
    wallet_paid = [c for c in burst if "walletAmount" in c.payment][: len(steps)]
    assert len(wallet_paid) == len(steps)
    # one server per step, side by side, each exiting right after that step of its checkout
    crashing = [
        Server(crash_url, tmp_path / f"{step}.log", checkout_crash_after=step, **SERVER).launch()
        for step in steps
    ]
    try:
        for server in crashing:
            server.ready()

        async def crash(server: Server, c: Checkout) -> str:
            async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
                return await place(http, c)

        lost = await asyncio.gather(
            *(crash(s, c) for s, c in zip(crashing, wallet_paid, strict=True))
        )
        assert lost == [LOST] * len(steps)
        assert [s.wait() for s in crashing] == [CRASH_EXIT_CODE] * len(steps)
        async with store.read() as session:
            reached = sorted(
                (
                    await session.scalars(
                        select(m.Checkout.step).where(
                            m.Checkout.customer_id.in_({c.customer_id for c in wallet_paid}),
                            m.Checkout.status == "PENDING",
                        )
                    )
                ).all()
            )
        # COMMITTED is recorded with the outcome: that checkout is done, not pending
        assert reached == sorted(s for s in steps if s != "COMMITTED")
    finally:
        for server in crashing:
            server.stop()
    await asyncio.sleep(1.2)
    server = Server(crash_url, tmp_path / "after.log", **SERVER).start()
    try:
        retried = await retry_all(server.base, wallet_paid)
    finally:
        server.stop()
    assert all(o.startswith("T3Jk") for o in retried), retried
    await check_invariants(store, {c.customer_id for c in burst})
    await sweep_later(store, settings)
    await check_invariants(store, {c.customer_id for c in burst})
