"""Small seeded demo stores of our own, for wallet tests that change Devi's money."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest
import pytest_asyncio

from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from tests.conftest import GraphQLClient, SeededDatabase
from tests.factories import open_gateway, seeded_database

SEED_CUSTOMERS = 3


demo_db = seeded_database("demo_db", customers=SEED_CUSTOMERS, seed=7)


@pytest.fixture(scope="module")
def demo_url(demo_db: SeededDatabase) -> str:
    return demo_db.url


@dataclass
class Demo:
    gql: GraphQLClient
    store: Store


@pytest_asyncio.fixture(scope="module")
async def demo(demo_url: str) -> AsyncIterator[Demo]:
    async with open_gateway(demo_url, db_pool_size=5) as gql:
        yield Demo(gql, gql.app.state.store)


async def place_order(
    store: Store,
    customer_id: str,
    lines: list[tuple[str, int, int]],
    *,
    channel: str = "MOBILE_APP",
    fulfillment: str = "PICKUP",
    status: str = "PLACED",
    placed_at: datetime | None = None,
) -> str:
    """An order row as checkout would write it: ``lines`` are (sku, quantity, unit price)."""
    order_id = f"ord_t_{secrets.token_hex(5)}"
    total = sum(q * p for _, q, p in lines)
    async with store.write() as session:
        session.add(
            m.Order(
                id=order_id,
                customer_id=customer_id,
                channel=channel,
                placed_at=placed_at or utcnow(),
                currency="USD",
                subtotal=total,
                discount=0,
                total=total,
                fulfillment=fulfillment,
                store_id="loc_downtown" if fulfillment == "PICKUP" else None,
                status=status,
            )
        )
        await session.flush()
        for sku, quantity, price in lines:
            session.add(
                m.OrderLine(
                    order_id=order_id,
                    sku=sku,
                    quantity=quantity,
                    unit_price=price,
                    line_total=quantity * price,
                )
            )
    return order_id
