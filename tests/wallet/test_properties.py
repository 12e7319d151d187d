"""Property tests: random sequences of wallet and points operations keep the books right.

Each example gets fresh customers on a shared SQLite store; after every sequence no
balance is negative, each account's cached balance equals its entries, every transaction
balances per unit, lots match points balances, and the points issued and held sum to zero.
"""

from __future__ import annotations

import asyncio
import secrets
import string
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commercegraph.adapters.base import NewPaymentMethod, PointsEarning
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.config import Settings
from commercegraph.errors import CommerceGraphError
from commercegraph.store.models.base import utcnow
from tests.factories import demo_database, store_for
from tests.wallet.audit import audit_ledger, points_issued_total
from tests.wallet.conftest import make_customer

Op = tuple[str, int, int]
OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "top_up",
                "pay",
                "refund",
                "earn",
                "earn_pending",
                "expire",
                "release",
                "redeem",
                "redeem_discount",
                "reverse",
            ]
        ),
        st.integers(min_value=0, max_value=3),  # which customer
        st.integers(min_value=1, max_value=3_000),  # amount / points
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture(scope="module")
def runner(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, NativeWallet]]:
    with demo_database("sqlite", tmp_path_factory.mktemp("props"), customers=None) as db:
        loop = asyncio.new_event_loop()
        store = store_for(db.url)
        try:
            yield loop, NativeWallet(store, Settings(database_url=db.url))
        finally:
            loop.run_until_complete(store.dispose())
            loop.close()


async def _run(wallet: NativeWallet, ops: list[Op]) -> None:
    customers = [await make_customer(wallet.store) for _ in range(4)]
    cards = [
        (
            await wallet.add_payment_method(
                c,
                NewPaymentMethod(
                    "CARD",
                    "tok_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(16)),
                    brand="Visa",
                    last4="1881",
                ),
            )
        ).id
        for c in customers
    ]
    payments: dict[int, list[str]] = {i: [] for i in range(4)}
    orders: dict[int, list[str]] = {i: [] for i in range(4)}
    clock = utcnow() - timedelta(days=800)
    for n, (op, who, amount) in enumerate(ops):
        cid, key = customers[who], f"op-{n}"
        clock += timedelta(days=amount % 90)
        try:
            if op == "top_up":
                await wallet.top_up(cid, amount, cards[who], key)
            elif op == "pay":
                payments[who].append((await wallet.pay(cid, amount, "order", key)).transaction_id)
            elif op == "refund" and payments[who]:
                await wallet.refund(cid, payments[who][-1], amount, key)
            elif op in ("earn", "earn_pending"):
                order = f"ord-{n}"
                orders[who].append(order)
                await wallet.earn_points(
                    PointsEarning(
                        cid,
                        amount,
                        amount * 100,
                        "ORDER",
                        clock,
                        order,
                        30 if op == "earn_pending" else 0,
                        365,
                    ),
                    key,
                )
            elif op == "expire":
                await wallet.expire_points(clock)
            elif op == "release":
                await wallet.release_pending_points(clock)
            elif op in ("redeem", "redeem_discount"):
                into = "WALLET_CREDIT" if op == "redeem" else "ORDER_DISCOUNT"
                await wallet.redeem_points(cid, max(100, amount // 100 * 100), into, key)
            elif op == "reverse" and orders[who]:  # the same order may come back twice
                await wallet.reverse_order_points(cid, orders[who][0], key)
        except CommerceGraphError as exc:  # refusals are fine; they must change nothing
            assert exc.code in {"INSUFFICIENT_FUNDS", "CONFLICT", "BAD_USER_INPUT"}, exc
    await audit_ledger(wallet.store, customers)
    assert await points_issued_total(wallet.store) == 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_random_sequences_keep_the_ledger_balanced(
    runner: tuple[asyncio.AbstractEventLoop, NativeWallet], ops: list[Op]
) -> None:
    loop, wallet = runner
    loop.run_until_complete(_run(wallet, ops))
