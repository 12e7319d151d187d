"""Delivery subscriptions through GraphQL and the fill job: a weekly cart filled once per
due date (two runners at once included), skipped, cancelled, and bad input refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest_asyncio
from sqlalchemy import func, select

from commercegraph.adapters.registry import AdapterRegistry, build_registry
from commercegraph.config import Settings
from commercegraph.demo import DEVI_COFFEE_SKU, DOWNTOWN_ID, SAM_ID
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.deliveries import DeliveryPorts
from commercegraph.usecases.deliveries import fill_due as fill_due_of
from tests.conftest import GraphQLClient
from tests.integration.test_journey import codes, data
from tests.personalization.test_lists_and_offers import ALL, shopper

FIELDS = "id cadenceDays nextDate fulfillment storeId channel status lastCartId"
CREATE = (
    "mutation($w: Int, $d: Int, $f: FulfillmentMethod, $s: String, $first: Date) {"
    " createDeliverySubscription(cadenceWeeks: $w, cadenceDays: $d, fulfillment: $f,"
    " storeId: $s, firstDate: $first) { %s } }" % FIELDS
)
SKIP = "mutation($id: ID!) { skipNextDelivery(id: $id) { %s } }" % FIELDS
CANCEL = "mutation($id: ID!) { cancelDeliverySubscription(id: $id) { %s } }" % FIELDS
LIST = "{ deliverySubscriptions { %s } }" % FIELDS
CART = "query($id: ID!) { node(id: $id) { ... on Cart { lines { quantity product { sku } } } } }"


@pytest_asyncio.fixture(loop_scope="session")
async def registry(p8_gql: GraphQLClient, p8_store: Store) -> AsyncIterator[AdapterRegistry]:
    built = build_registry(p8_gql.settings, p8_store)
    yield built
    await built.aclose()


async def fill_due(
    registry: AdapterRegistry, settings: Settings, now: datetime | None = None
) -> dict[str, Any]:
    return await fill_due_of(DeliveryPorts.of(registry, settings), now)


def _mine(result: dict[str, Any], subscription: str) -> list[dict[str, Any]]:
    local = _local(subscription)
    return [f for f in result["filled"] if f["subscription"] == local]


def _local(subscription_id: str) -> str:
    return subscription_id


async def _fills(store: Store, subscription: str) -> int:
    async with store.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(m.DeliveryFill)
            .where(m.DeliveryFill.subscription_id == _local(subscription))
        )
    return int(count or 0)


def _today() -> date:
    return utcnow().date()


async def test_a_weekly_cart_is_filled_once_per_due_date(
    p8_gql: GraphQLClient, p8_store: Store, registry: AdapterRegistry
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    sub = data(await p8_gql.post(CREATE, {"w": 1}, token=token))["createDeliverySubscription"]
    today = _today()
    assert sub["cadenceDays"] == 7 and sub["nextDate"] == today.isoformat()
    assert sub["status"] == "ACTIVE" and sub["fulfillment"] == "SHIP" and sub["lastCartId"] is None

    first = _mine(await fill_due(registry, p8_gql.settings), sub["id"])
    again = _mine(await fill_due(registry, p8_gql.settings), sub["id"])
    assert [(f["due_date"], f["added_units"]) for f in first] == [(today.isoformat(), 2)]
    assert again == []
    (listed,) = data(await p8_gql.post(LIST, token=token))["deliverySubscriptions"]
    assert listed["nextDate"] == (today + timedelta(days=7)).isoformat()
    assert listed["lastCartId"] is not None
    cart = data(await p8_gql.post(CART, {"id": listed["lastCartId"]}, token=token))["node"]
    assert [(x["product"]["sku"], x["quantity"]) for x in cart["lines"]] == [(DEVI_COFFEE_SKU, 2)]

    # next week: the same open cart, already holding the usual quantity, gets nothing more
    later = datetime.combine(today + timedelta(days=7), datetime.min.time(), utcnow().tzinfo)
    next_week = _mine(await fill_due(registry, p8_gql.settings, later), sub["id"])
    assert [(f["due_date"], f["cart"], f["added_units"]) for f in next_week] == [
        ((today + timedelta(days=7)).isoformat(), first[0]["cart"], 0)
    ]
    assert await _fills(p8_store, sub["id"]) == 2


async def test_two_runners_fill_a_due_date_once(
    p8_gql: GraphQLClient, p8_store: Store, registry: AdapterRegistry
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    sub = data(await p8_gql.post(CREATE, {"d": 14}, token=token))["createDeliverySubscription"]
    second_store = Store(p8_store.engine)
    other = build_registry(p8_gql.settings, second_store)
    try:
        results = await asyncio.gather(
            fill_due(registry, p8_gql.settings), fill_due(other, p8_gql.settings)
        )
    finally:
        await other.aclose()
        await second_store.release()
    fills = [f for r in results for f in _mine(r, sub["id"])]
    assert len(fills) == 1 and fills[0]["added_units"] == 2
    assert await _fills(p8_store, sub["id"]) == 1
    (listed,) = data(await p8_gql.post(LIST, token=token))["deliverySubscriptions"]
    cart = data(await p8_gql.post(CART, {"id": listed["lastCartId"]}, token=token))["node"]
    assert [(x["product"]["sku"], x["quantity"]) for x in cart["lines"]] == [(DEVI_COFFEE_SKU, 2)]


async def test_skip_and_cancel(
    p8_gql: GraphQLClient, p8_store: Store, registry: AdapterRegistry
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    variables = {"w": 1, "f": "PICKUP", "s": DOWNTOWN_ID}
    sub = data(await p8_gql.post(CREATE, variables, token=token))["createDeliverySubscription"]
    assert sub["fulfillment"] == "PICKUP" and sub["storeId"] == DOWNTOWN_ID
    skipped = data(await p8_gql.post(SKIP, {"id": sub["id"]}, token=token))["skipNextDelivery"]
    assert skipped["nextDate"] == (_today() + timedelta(days=7)).isoformat()
    assert _mine(await fill_due(registry, p8_gql.settings), sub["id"]) == []
    assert codes(await p8_gql.post(SKIP, {"id": sub["id"]}, token=p8_gql.token(SAM_ID))) == [
        "NOT_FOUND"
    ]
    gone = data(await p8_gql.post(CANCEL, {"id": sub["id"]}, token=token))
    assert gone["cancelDeliverySubscription"]["status"] == "CANCELLED"
    assert codes(await p8_gql.post(SKIP, {"id": sub["id"]}, token=token)) == ["BAD_USER_INPUT"]
    later = utcnow() + timedelta(days=8)
    assert _mine(await fill_due(registry, p8_gql.settings, later), sub["id"]) == []
    assert await _fills(p8_store, sub["id"]) == 0


async def test_bad_subscriptions_are_refused(p8_gql: GraphQLClient, p8_store: Store) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    yesterday = (_today() - timedelta(days=1)).isoformat()
    for variables in (
        {},
        {"w": 1, "d": 7},
        {"d": 0},
        {"d": 400},
        {"w": 1, "f": "PICKUP"},
        {"w": 1, "s": DOWNTOWN_ID},
        {"w": 1, "first": yesterday},
    ):
        assert codes(await p8_gql.post(CREATE, variables, token=token)) == ["BAD_USER_INPUT"], (
            variables
        )
    assert codes(
        await p8_gql.post(CREATE, {"w": 1, "f": "PICKUP", "s": "nowhere"}, token=token)
    ) == ["NOT_FOUND"]
    assert data(await p8_gql.post(LIST, token=token))["deliverySubscriptions"] == []
    assert codes(await p8_gql.post(LIST)) == ["UNAUTHENTICATED"]


async def test_the_worker_job_fills_due_subscriptions(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    from commercegraph.workers.jobs import fill_deliveries

    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    sub = data(await p8_gql.post(CREATE, {"w": 2}, token=token))["createDeliverySubscription"]
    first = await fill_deliveries(p8_gql.settings, utcnow())
    assert first["filled"] >= 1
    assert await _fills(p8_store, sub["id"]) == 1
    (listed,) = data(await p8_gql.post(LIST, token=token))["deliverySubscriptions"]
    assert listed["nextDate"] == (_today() + timedelta(days=14)).isoformat()
    again = await fill_deliveries(p8_gql.settings, utcnow())
    assert again["filled"] == 0 and await _fills(p8_store, sub["id"]) == 1
