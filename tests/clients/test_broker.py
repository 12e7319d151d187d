"""The broker, the publishing adapters and the Subscription resolvers, in-process."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.app import create_app
from commercegraph.auth import Caller
from commercegraph.demo import DEVI_ID
from commercegraph.ids import to_global_id
from commercegraph.loaders import Loaders
from commercegraph.subscriptions.broker import LocalBroker, cart_topic
from commercegraph.subscriptions.publishing import PublishingAdapter
from commercegraph.subscriptions.schema import SubscriptionContext
from tests.conftest import SeededDatabase, settings_for

OFFERS = """subscription { offersChanged {
  offers(context: { channel: MOBILE_APP, near: { lat: 45.519, lon: -122.679 } }) { title } } }"""


async def test_a_slow_subscriber_loses_its_oldest_events_not_memory() -> None:
    broker = LocalBroker(queue_size=2)
    async with broker.subscribe("t") as events:
        assert broker.subscriber_count("t") == 1
        for n in range(5):
            await broker.publish("t", {"n": n})
        received = [await anext(events), await anext(events)]
        assert received == [{"n": 3}, {"n": 4}]
    assert broker.subscriber_count("t") == 0
    await broker.publish("t", {"n": 9})  # nobody listens: nothing kept


class _Commerce:
    def __init__(self) -> None:
        self.fail = False

    async def set_cart_line(self, cart_id: str, *_: Any) -> Any:
        if self.fail:
            raise RuntimeError("backend down")
        from commercegraph.adapters.base import CartRecord

        return CartRecord(cart_id, None, "WEB", "USD", "OPEN", ())

    async def carts_by_id(self, ids: list[str]) -> list[None]:
        return [None for _ in ids]


async def test_writes_publish_after_they_return_and_failures_publish_nothing() -> None:
    broker = LocalBroker()
    inner = _Commerce()
    from commercegraph.subscriptions.publishing import COMMERCE_WRITES

    commerce: Any = PublishingAdapter(inner, broker, COMMERCE_WRITES)
    async with broker.subscribe(cart_topic("c1")) as events:
        assert await commerce.carts_by_id(["x"]) == [None]  # reads pass through
        await commerce.set_cart_line("c1", "SKU", 1)
        assert await asyncio.wait_for(anext(events), 1) == {"cartId": "c1"}
        inner.fail = True
        with pytest.raises(RuntimeError):
            await commerce.set_cart_line("c1", "SKU", 1)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(anext(events), 0.2)


@pytest.fixture
async def own_db(sqlite_db: SeededDatabase, tmp_path: Path) -> AsyncIterator[str]:
    """A copy of the demo store: issuing offers writes."""
    source = Path(sqlite_db.url.removeprefix("sqlite+aiosqlite:///"))
    target = tmp_path / "offers.db"
    shutil.copy(source, target)
    yield f"sqlite+aiosqlite:///{target}"


async def test_offers_subscription_announces_new_offers_and_settles(own_db: str) -> None:
    app = create_app(settings_for(own_db))
    registry = app.state.registry
    caller = Caller(customer_id=DEVI_ID, scopes=frozenset({"customer"}), subject=DEVI_ID)
    ctx = SubscriptionContext(
        caller=caller,
        registry=registry,
        settings=app.state.settings,
        loaders=Loaders(registry),
        broker=app.state.broker,
    )
    results: Any = await app.state.schema.subscribe(OFFERS, context_value=ctx)
    try:
        first = await asyncio.wait_for(anext(results), 10)
        assert first.errors is None, first.errors
        titles = [o["title"] for o in first.data["offersChanged"]["offers"]]
        assert titles  # Devi near Downtown gets offers; reading them issued them
        # the first read issued them: one announcement, whose re-read issues nothing new
        second = await asyncio.wait_for(anext(results), 10)
        assert [o["title"] for o in second.data["offersChanged"]["offers"]] == titles
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(anext(results), 1.0)
    finally:
        await results.aclose()
        await app.state.store.dispose()


async def test_subscriptions_over_plain_http_say_where_to_go(sqlite_db: SeededDatabase) -> None:
    app = create_app(settings_for(sqlite_db.url))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            response = await c.post(
                "/graphql",
                json={"query": "subscription { orderStatusChanged { id } }"},
                headers={"Accept": "application/json"},
            )
            assert response.status_code == 400
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "BAD_REQUEST"
            assert "/graphql/stream" in error["message"]
            # a query beside a subscription in one document still runs
            named = await c.post(
                "/graphql",
                json={
                    "query": "query A { __typename } subscription B { orderStatusChanged { id } }",
                    "operationName": "A",
                },
            )
            assert named.json() == {"data": {"__typename": "Query"}}
    finally:
        await app.state.store.dispose()


async def test_a_subscription_outliving_its_token_ends_at_the_next_event(own_db: str) -> None:
    app = create_app(settings_for(own_db))
    registry = app.state.registry
    caller = Caller(customer_id=DEVI_ID, scopes=frozenset({"customer"}), subject=DEVI_ID)
    cart = await registry.commerce.create_cart(DEVI_ID, "WEB", "USD")
    ctx = SubscriptionContext(
        caller=caller,
        registry=registry,
        settings=app.state.settings,
        loaders=Loaders(registry),
        broker=app.state.broker,
        expires_at=time.time() + 3600,
    )
    query = "subscription($c: ID!) { cartChanged(cartId: $c) { status } }"
    results: Any = await app.state.schema.subscribe(
        query, variable_values={"c": to_global_id("Cart", cart.id)}, context_value=ctx
    )
    try:
        first = await asyncio.wait_for(anext(results), 10)
        assert first.data == {"cartChanged": {"status": "OPEN"}}
        ctx.expires_at = time.time() - 1  # the token has run out meanwhile
        await app.state.broker.publish(cart_topic(cart.id), {"cartId": cart.id})
        ended = await asyncio.wait_for(anext(results), 10)
        assert ended.data is None
        assert ended.errors[0].extensions["code"] == "UNAUTHENTICATED"
    finally:
        await results.aclose()
        await app.state.store.dispose()


def test_token_expiry_is_read_from_an_accepted_token() -> None:
    from commercegraph.auth import issue_token
    from commercegraph.config import Settings
    from commercegraph.subscriptions.endpoints import token_expiry

    token = issue_token(Settings(), subject=DEVI_ID, scope="customer", ttl_seconds=60)
    expiry = token_expiry(f"Bearer {token}")
    assert expiry is not None and 50 < expiry - time.time() <= 61
    assert token_expiry(None) is None and token_expiry("Bearer junk") is None
