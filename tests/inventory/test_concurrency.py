"""No overselling and no double orders under concurrent checkouts.

The proof that matters runs on PostgreSQL, where the checkouts really overlap; the same
test runs on SQLite, which serialises writers, as a check of the same outcome.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from commercegraph.demo import DOWNTOWN_ID
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.test_checkout import PICKUP_DOWNTOWN, PLACE, new_cart

LAST_UNITS_SKU = "SKU-SNK-0005"
SAME_KEY_SKU = "SKU-SNK-0006"
CHECKOUTS = 50
UNITS = 10


def outcome(body: dict[str, Any]) -> str:
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    return "ORDER"


async def test_fifty_checkouts_for_the_last_ten_units(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    await set_stock(fresh_store, LAST_UNITS_SKU, DOWNTOWN_ID, UNITS, 0, 0)
    tokens = [fresh_gql.token(f"cus_rush_{n:02d}") for n in range(CHECKOUTS)]
    carts = await asyncio.gather(*(new_cart(fresh_gql, t, (LAST_UNITS_SKU, 1)) for t in tokens))

    bodies = await asyncio.gather(
        *(
            fresh_gql.post(
                PLACE, {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": f"rush-{n}"}, token=token
            )
            for n, (cart, token) in enumerate(zip(carts, tokens, strict=True))
        )
    )

    unexpected = [b["errors"] for b in bodies if outcome(b) not in ("ORDER", "OUT_OF_STOCK")]
    assert not unexpected
    assert Counter(outcome(b) for b in bodies) == {
        "ORDER": UNITS,
        "OUT_OF_STOCK": CHECKOUTS - UNITS,
    }
    assert await stock_of(fresh_store, LAST_UNITS_SKU, DOWNTOWN_ID) == (0, 0, 0)
    async with fresh_store.read() as session:
        sold = await session.scalar(
            select(func.coalesce(func.sum(m.OrderLine.quantity), 0)).where(
                m.OrderLine.sku == LAST_UNITS_SKU
            )
        )
        holds = await session.scalar(
            select(func.count())
            .select_from(m.StockReservation)
            .where(m.StockReservation.sku == LAST_UNITS_SKU, m.StockReservation.status == "HELD")
        )
    assert sold == UNITS and holds == 0


async def test_one_key_placed_concurrently_gives_one_order(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    await set_stock(fresh_store, SAME_KEY_SKU, DOWNTOWN_ID, 5, 0, 0)
    token = fresh_gql.token("cus_double_click")
    cart = await new_cart(fresh_gql, token, (SAME_KEY_SKU, 2))
    variables = {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "double-click"}

    bodies = await asyncio.gather(
        *(fresh_gql.post(PLACE, variables, token=token) for _ in range(10))
    )

    ids = {b["data"]["placeOrder"]["id"] for b in bodies if not b.get("errors")}
    assert len(ids) == 1, [b.get("errors") for b in bodies]
    assert all(not b.get("errors") for b in bodies), [
        b["errors"] for b in bodies if b.get("errors")
    ]
    assert await stock_of(fresh_store, SAME_KEY_SKU, DOWNTOWN_ID) == (3, 0, 0)
    async with fresh_store.read() as session:
        orders = await session.scalar(
            select(func.count())
            .select_from(m.Order)
            .where(m.Order.customer_id == "cus_double_click")
        )
    assert orders == 1
