"""Small seeded demo stores of our own, for wallet tests that change Devi's money."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime

import httpx
import pytest
import pytest_asyncio

from commercegraph.app import create_app
from commercegraph.config import Settings
from commercegraph.demo import seed_demo
from commercegraph.store import models as m
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade
from commercegraph.store.models.base import utcnow
from tests.conftest import GraphQLClient, _pg_execute, _postgres_reachable, make_postgres_db

SEED_CUSTOMERS = 3


def _seed(url: str) -> None:
    upgrade(url)

    async def run() -> None:
        store = Store(create_engine(url))
        try:
            await seed_demo(store, customers=SEED_CUSTOMERS, seed=7)
        finally:
            await store.dispose()

    asyncio.run(run())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('walletdemo') / 'demo.db'}"
        _seed(url)
        yield url
        return
    problem = _postgres_reachable()
    if problem:
        pytest.skip(problem)
    url = make_postgres_db()
    try:
        _seed(url)
        yield url
    finally:
        name = url.rsplit("/", 1)[1]
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class Demo:
    gql: GraphQLClient
    store: Store


@pytest_asyncio.fixture(scope="module")
async def demo(demo_url: str) -> AsyncIterator[Demo]:
    settings = Settings(database_url=demo_url, db_pool_size=5)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield Demo(GraphQLClient(http, settings), app.state.store)
    await app.state.store.dispose()


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
