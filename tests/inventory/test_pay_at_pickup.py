"""Pay at pickup is a payment option the store and channel must allow, bounded per
customer; a checkout that nothing pays for is refused; a line holds a sane quantity."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from sqlalchemy import update

from commercegraph.demo import DEVI_SODA_SKU, DOWNTOWN_ID
from commercegraph.ids import from_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient, SeededDatabase
from tests.factories import open_gateway
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.shoppers import orders_of, shopper
from tests.inventory.test_checkout import ADD, PICKUP_DOWNTOWN, PLACE, data, error, new_cart

AT_PICKUP = {"payAtPickup": True}
PAYMENT = "payment { payAtPickup chargedAmount { amount } walletAmount { amount } }"
PLACE_PAID = PLACE.replace("store { id name }", f"store {{ id name }} {PAYMENT}")


async def checkout(
    gql: GraphQLClient, token: str, sku: str, quantity: int, key: str, pay: Any
) -> dict[str, Any]:
    cart = await new_cart(gql, token, (sku, quantity))
    variables = {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": key, "p": pay}
    return await gql.post(PLACE_PAID, variables, token=token)


async def new_shopper(gql: GraphQLClient, store: Store, name: str) -> tuple[str, str, str]:
    cid = f"cus_{name}_{uuid.uuid4().hex[:8]}"
    card = await shopper(store, gql.settings, cid)
    return cid, gql.token(cid), card


async def test_nothing_paying_is_refused_and_pay_at_pickup_is_explicit(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid, token, _ = await new_shopper(fresh_gql, fresh_store, "unpaid")
    await set_stock(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID, 50)
    refused = error(await checkout(fresh_gql, token, DEVI_SODA_SKU, 2, "none-1", None))
    assert (refused["code"], refused["argument"]) == ("PAYMENT_REQUIRED", "payment")
    empty = error(await checkout(fresh_gql, token, DEVI_SODA_SKU, 2, "none-2", {}))
    assert empty["code"] == "PAYMENT_REQUIRED"
    assert await orders_of(fresh_store, cid) == 1  # the past one only
    assert await stock_of(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID) == (50, 0, 0)

    order = data(await checkout(fresh_gql, token, DEVI_SODA_SKU, 2, "store-1", AT_PICKUP))
    paid = order["placeOrder"]["payment"]
    assert paid["payAtPickup"] is True and paid["walletAmount"]["amount"] == 0
    assert paid["chargedAmount"]["amount"] == order["placeOrder"]["total"]["amount"]
    assert await stock_of(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID) == (48, 0, 0)

    ship = {"method": "SHIP", "address": "1 Main St"}
    cart = await new_cart(fresh_gql, token, (DEVI_SODA_SKU, 1))
    shipped = await fresh_gql.post(
        PLACE, {"c": cart["id"], "f": ship, "k": "ship-1", "p": AT_PICKUP}, token=token
    )
    assert (error(shipped)["code"], error(shipped)["argument"]) == (
        "BAD_USER_INPUT",
        "payment.payAtPickup",
    )


async def test_open_unpaid_orders_and_units_are_bounded_per_customer(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    settings = fresh_gql.settings
    cid, token, card = await new_shopper(fresh_gql, fresh_store, "hoarder")
    await set_stock(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID, 1_000)
    too_many = error(
        await checkout(
            fresh_gql, token, DEVI_SODA_SKU, settings.checkout_max_unpaid_units + 1, "u", AT_PICKUP
        )
    )
    assert too_many["code"] == "PAY_AT_PICKUP_LIMIT"

    bodies = await asyncio.gather(
        *(checkout(fresh_gql, token, DEVI_SODA_SKU, 1, f"hoard-{n}", AT_PICKUP) for n in range(10))
    )
    codes = sorted("ORDER" if not b.get("errors") else error(b)["code"] for b in bodies)
    allowed = settings.checkout_max_unpaid_orders
    assert codes == ["ORDER"] * allowed + ["PAY_AT_PICKUP_LIMIT"] * (10 - allowed)
    assert await orders_of(fresh_store, cid) == 1 + allowed
    assert await stock_of(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID) == (1_000 - allowed, 0, 0)

    # paying now is always possible; collecting an order frees its place
    paid_now = await checkout(
        fresh_gql, token, DEVI_SODA_SKU, 1, "card-1", {"paymentMethodId": card}
    )
    assert data(paid_now)["placeOrder"]["payment"]["payAtPickup"] is False
    placed = [data(b)["placeOrder"]["id"] for b in bodies if not b.get("errors")]
    async with fresh_store.write() as session:
        await session.execute(
            update(m.Order)
            .where(m.Order.id == from_global_id(placed[0])[1])
            .values(status="PICKED_UP")
        )
    again = await checkout(fresh_gql, token, DEVI_SODA_SKU, 1, "hoard-after", AT_PICKUP)
    assert data(again)["placeOrder"]["payment"]["payAtPickup"] is True


async def test_a_line_holds_at_most_the_configured_units(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    _, token, _ = await new_shopper(fresh_gql, fresh_store, "bulk")
    bound = fresh_gql.settings.checkout_max_line_quantity
    cart = await new_cart(fresh_gql, token, (DEVI_SODA_SKU, bound - 1))
    for quantity in (2, 10_000):
        body = await fresh_gql.post(
            ADD, {"c": cart["id"], "s": DEVI_SODA_SKU, "q": quantity}, token=token
        )
        assert (error(body)["code"], error(body)["argument"], error(body)["maxQuantity"]) == (
            "BAD_USER_INPUT",
            "quantity",
            bound,
        )


async def test_checkout_refuses_a_line_over_the_bound(
    small_lines_gql: GraphQLClient, fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    """A cart filled under a looser bound is checked again at checkout."""
    cid, token, card = await new_shopper(fresh_gql, fresh_store, "bulk2")
    await set_stock(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID, 100)
    cart = await new_cart(fresh_gql, token, (DEVI_SODA_SKU, 3))
    variables = {"c": cart["id"], "f": PICKUP_DOWNTOWN, "k": "b", "p": {"paymentMethodId": card}}
    refused = error(await small_lines_gql.post(PLACE, variables, token=token))
    assert (refused["code"], refused["argument"], refused["sku"], refused["maxQuantity"]) == (
        "BAD_USER_INPUT",
        "cartId",
        DEVI_SODA_SKU,
        2,
    )
    assert await stock_of(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID) == (100, 0, 0)
    assert await orders_of(fresh_store, cid) == 1


async def client_with(db: SeededDatabase, **overrides: Any) -> AsyncIterator[GraphQLClient]:
    async with open_gateway(db, db_pool_size=2, **overrides) as client:
        yield client


@pytest_asyncio.fixture(scope="module")
async def small_lines_gql(fresh_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    async for client in client_with(fresh_db, checkout_max_line_quantity=2):
        yield client


@pytest_asyncio.fixture(scope="module")
async def no_pickup_payment_gql(fresh_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    """The same store configured to take payment at pickup only at another store."""
    async for client in client_with(fresh_db, checkout_pay_at_pickup={"WEB": ["loc_elsewhere"]}):
        yield client


async def test_pay_at_pickup_follows_the_store_and_channel_configuration(
    no_pickup_payment_gql: GraphQLClient, fresh_store: Store
) -> None:
    gql = no_pickup_payment_gql
    cid, token, _ = await new_shopper(gql, fresh_store, "config")
    await set_stock(fresh_store, DEVI_SODA_SKU, DOWNTOWN_ID, 10)
    refused = error(await checkout(gql, token, DEVI_SODA_SKU, 1, "cfg-1", AT_PICKUP))
    assert (refused["code"], refused["argument"]) == ("PAYMENT_REQUIRED", "payment.payAtPickup")
    assert await orders_of(fresh_store, cid) == 1
