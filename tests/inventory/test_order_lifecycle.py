"""Orders move PLACED → READY_FOR_PICKUP | SHIPPED → COMPLETED, or CANCELLED / RETURNED,
through GraphQL and ``/events``, on SQLite and PostgreSQL: each move settles points,
referral rewards, refunds to every tender and stock, exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from commercegraph.adapters.registry import build_registry
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.inventory.conftest import set_stock, stock_of
from tests.inventory.shoppers import shopper, wallet_balance
from tests.inventory.test_checkout import PICKUP_DOWNTOWN, data, error, new_cart
from tests.wallet.audit import audit_ledger

PLACE = """mutation($c: ID!, $k: String!, $p: CheckoutPaymentInput) {
  placeOrder(cartId: $c, idempotencyKey: $k, payment: $p,
             fulfillment: {method: PICKUP, storeId: "%s"}) {
    id status total { amount } payment { chargedAmount { amount } } } }""" % (
    PICKUP_DOWNTOWN["storeId"]
)
MOVE = """mutation($o: ID!, $s: OrderTransitionTarget!, $l: ID) {
  changeOrderStatus(orderId: $o, status: $s, locationId: $l) {
    order { id status } previousStatus changed restockedAt
    refunded { amount } cardRefunded { amount } cardPaymentMethodId
    pointsReversed pointsReleased referralPoints } }"""
REFUND = """mutation($o: ID!) { refundOrderToWallet(orderId: $o) {
  refunded { amount } cardRefunded { amount } pointsReversed status } }"""
LOYALTY = "{ me { loyalty { points pendingPoints } } }"
WALLET_SHARE = 1_000


async def _other_store(store: Store) -> str:
    async with store.read() as session:
        found = await session.scalar(
            select(m.Location.id)
            .where(m.Location.kind == "STORE", m.Location.id != DOWNTOWN_ID)
            .order_by(m.Location.id)
        )
    assert found is not None
    return found


async def _on_hand(store: Store, sku: str, location_id: str) -> int:
    async with store.read() as session:
        row = await session.get(m.Stock, (sku, location_id), populate_existing=True)
    return row.on_hand if row is not None else 0


async def _loyalty(gql: GraphQLClient, cid: str) -> dict[str, int]:
    body = data(await gql.post(LOYALTY, token=gql.token(cid)))
    return dict(body["me"]["loyalty"])


async def _placed(gql: GraphQLClient, store: Store, cid: str, card: str) -> dict[str, Any]:
    token = gql.token(cid)
    cart = await new_cart(gql, token, (DEVI_SHOES_SKU, 1))
    pay = {"walletAmount": WALLET_SHARE, "paymentMethodId": card}
    body = await gql.post(
        PLACE, {"c": cart["id"], "k": f"k-{uuid.uuid4().hex}", "p": pay}, token=token
    )
    order: dict[str, Any] = data(body)["placeOrder"]
    return order


async def _move(gql: GraphQLClient, order_id: str, status: str, location: str | None = None) -> Any:
    variables = {"o": order_id, "s": status, "l": location}
    return await gql.post(MOVE, variables, token=gql.token(staff=True))


async def _events(gql: GraphQLClient, *events: dict[str, Any]) -> list[dict[str, Any]]:
    response = await gql.http.post(
        "/events",
        json={"events": list(events)},
        headers={"Authorization": f"Bearer {gql.token(staff=True)}"},
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


async def test_a_pickup_order_is_readied_completed_and_returned_in_another_store(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_life_{uuid.uuid4().hex[:8]}"
    referrer = f"cus_ref_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=5_000)
    await shopper(fresh_store, fresh_gql.settings, referrer)
    port = build_registry(fresh_gql.settings, fresh_store).wallet
    await port.record_referral(cid, await port.create_referral_code(referrer))
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 10)
    elsewhere = await _other_store(fresh_store)
    there = await _on_hand(fresh_store, DEVI_SHOES_SKU, elsewhere)
    order = await _placed(fresh_gql, fresh_store, cid, card)
    charged = order["payment"]["chargedAmount"]["amount"]
    assert order["status"] == "PLACED" and charged == order["total"]["amount"] - WALLET_SHARE
    placed = await _loyalty(fresh_gql, cid)
    assert placed["pendingPoints"] > 0  # pending until the order completes

    # a pickup order is never shipped, and a placed one never returned: nothing changes
    for illegal in ("SHIPPED", "RETURNED"):
        assert error(await _move(fresh_gql, order["id"], illegal))["code"] == "ILLEGAL_TRANSITION"
    assert (
        error(
            await fresh_gql.post(
                MOVE, {"o": order["id"], "s": "COMPLETED"}, token=fresh_gql.token(cid)
            )
        )["code"]
        == "FORBIDDEN"
    )

    ready = data(await _move(fresh_gql, order["id"], "READY_FOR_PICKUP"))["changeOrderStatus"]
    assert ready["previousStatus"] == "PLACED" and ready["order"]["status"] == "READY_FOR_PICKUP"
    done = data(await _move(fresh_gql, order["id"], "COMPLETED"))["changeOrderStatus"]
    assert done["changed"] and done["pointsReleased"] == placed["pendingPoints"]
    assert done["referralPoints"] == 500
    completed = await _loyalty(fresh_gql, cid)
    assert completed == {"points": placed["points"] + placed["pendingPoints"], "pendingPoints": 0}
    again = data(await _move(fresh_gql, order["id"], "COMPLETED"))["changeOrderStatus"]
    assert not again["changed"] and again["previousStatus"] == "COMPLETED"
    assert again["referralPoints"] == 0 and again["pointsReleased"] == 0  # paid once
    assert (await _loyalty(fresh_gql, referrer))["points"] == 500
    assert error(await _move(fresh_gql, order["id"], "CANCELLED"))["code"] == "ILLEGAL_TRANSITION"

    # bought online, returned in another store: every tender back, the unit on hand there
    back = data(await _move(fresh_gql, order["id"], "RETURNED", to_global_id("Store", elsewhere)))
    returned = back["changeOrderStatus"]
    assert returned["order"]["status"] == "RETURNED"
    assert returned["refunded"] == {"amount": WALLET_SHARE}
    assert (
        returned["cardRefunded"] == {"amount": charged} and returned["cardPaymentMethodId"] == card
    )
    assert returned["pointsReversed"] == placed["pendingPoints"]
    assert returned["restockedAt"] == to_global_id("Store", elsewhere)
    assert await _on_hand(fresh_store, DEVI_SHOES_SKU, elsewhere) == there + 1
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (9, 0, 0)
    assert await wallet_balance(fresh_store, cid) == 5_000
    assert await _loyalty(fresh_gql, cid) == placed | {"pendingPoints": 0}
    refund = data(
        await fresh_gql.post(REFUND, {"o": order["id"]}, token=fresh_gql.token(staff=True))
    )
    assert refund["refundOrderToWallet"]["status"] == "RETURNED"  # the first refund, again
    assert await _on_hand(fresh_store, DEVI_SHOES_SKU, elsewhere) == there + 1
    assert await wallet_balance(fresh_store, cid) == 5_000
    await audit_ledger(fresh_store, [cid, referrer])


async def test_refund_to_wallet_cancels_and_covers_every_tender(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_refund_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=2_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 4)
    order = await _placed(fresh_gql, fresh_store, cid, card)
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (3, 0, 0)
    body = await fresh_gql.post(REFUND, {"o": order["id"]}, token=fresh_gql.token(staff=True))
    refund = data(body)["refundOrderToWallet"]
    assert refund["status"] == "CANCELLED" and refund["refunded"] == {"amount": WALLET_SHARE}
    assert refund["cardRefunded"] == {"amount": order["total"]["amount"] - WALLET_SHARE}
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (4, 0, 0)
    assert await wallet_balance(fresh_store, cid) == 2_000
    assert await _loyalty(fresh_gql, cid) == {"points": 0, "pendingPoints": 0}
    await audit_ledger(fresh_store, [cid])


async def test_staff_completing_and_cancelling_at_once_one_move_wins(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_race_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=20_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 50)
    for _ in range(3):
        order = await _placed(fresh_gql, fresh_store, cid, card)
        bodies = await asyncio.gather(
            *(_move(fresh_gql, order["id"], s) for s in ["COMPLETED", "CANCELLED"] * 4)
        )
        won = {
            b["data"]["changeOrderStatus"]["order"]["status"] for b in bodies if not b.get("errors")
        }
        assert len(won) == 1, bodies
        (status,) = won
        codes = Counter(
            b["errors"][0]["extensions"]["code"] if b.get("errors") else "OK" for b in bodies
        )
        assert codes == {"OK": 4, "ILLEGAL_TRANSITION": 4}, codes
        changed = [
            b for b in bodies if not b.get("errors") and b["data"]["changeOrderStatus"]["changed"]
        ]
        assert len(changed) == 1
    on_hand, reserved, _ = await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID)
    async with fresh_store.read() as session:
        kept = list(
            await session.scalars(
                select(m.Order.status).where(m.Order.customer_id == cid, m.Order.channel == "WEB")
            )
        )
    assert len(kept) == 3 and set(kept) <= {"COMPLETED", "CANCELLED"}
    assert on_hand == 50 - kept.count("COMPLETED") and reserved == 0
    assert status in ("COMPLETED", "CANCELLED")
    await audit_ledger(fresh_store, [cid])


async def test_store_sales_earn_at_the_till_and_online_orders_return_in_store_by_event(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_till_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=3_000)
    sale = {
        "id": f"pos-{cid}",
        "type": "pos_purchase",
        "occurredAt": _now(),
        "customerId": cid,
        "storeId": DOWNTOWN_ID,
        "currency": "USD",
        "lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 2, "unitPrice": 1_299}],
    }
    (sold,) = await _events(fresh_gql, sale)
    earned = await _loyalty(fresh_gql, cid)
    assert earned["points"] > 0 and earned["pendingPoints"] == 0  # the same rules, at once
    (dup,) = await _events(fresh_gql, sale)
    assert dup["status"] == "duplicate" and await _loyalty(fresh_gql, cid) == earned

    # bought in store, brought back: the sale's points go
    (back,) = await _events(
        fresh_gql,
        {
            "id": f"ret-{cid}",
            "type": "order_status_changed",
            "occurredAt": _now(),
            "orderId": sold["orderId"],
            "status": "RETURNED",
            "storeId": DOWNTOWN_ID,
        },
    )
    assert back["status"] == "accepted"
    assert await _loyalty(fresh_gql, cid) == {"points": 0, "pendingPoints": 0}

    # bought online, picked up and then returned at the store by its point of sale
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 5)
    order = await _placed(fresh_gql, fresh_store, cid, card)
    local = (
        await fresh_store.rows(
            select(m.Order.id).where(m.Order.customer_id == cid, m.Order.channel == "WEB")
        )
    )[0][0]
    illegal = await fresh_gql.http.post(
        "/events",
        json={
            "id": f"bad-{cid}",
            "type": "order_status_changed",
            "occurredAt": _now(),
            "orderId": local,
            "status": "SHIPPED",
        },
        headers={"Authorization": f"Bearer {fresh_gql.token(staff=True)}"},
    )
    assert illegal.status_code == 409 and illegal.json()["code"] == "ILLEGAL_TRANSITION"
    moved = await _events(
        fresh_gql,
        {
            "id": f"pick-{cid}",
            "type": "order_status_changed",
            "occurredAt": _now(),
            "orderId": local,
            "status": "COMPLETED",
        },
    )
    # a batch is checked whole before it is applied: the return comes in its own request
    moved += await _events(
        fresh_gql,
        {
            "id": f"ret2-{cid}",
            "type": "order_status_changed",
            "occurredAt": _now(),
            "orderId": local,
            "status": "RETURNED",
            "storeId": DOWNTOWN_ID,
        },
    )
    assert [r["status"] for r in moved] == ["accepted", "accepted"]
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (5, 0, 0)
    assert await wallet_balance(fresh_store, cid) == 3_000
    assert await _loyalty(fresh_gql, cid) == {"points": 0, "pendingPoints": 0}
    status = data(
        await fresh_gql.post(
            "query($o: ID!) { node(id: $o) { ... on Order { status } } }",
            {"o": order["id"]},
            token=fresh_gql.token(cid),
        )
    )
    assert status["node"]["status"] == "RETURNED"
    await audit_ledger(fresh_store, [cid])


async def test_every_move_is_published_to_order_subscribers_once(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    from commercegraph.subscriptions.broker import LocalBroker, orders_topic
    from commercegraph.subscriptions.publishing import publish_changes
    from commercegraph.usecases.order_lifecycle import move_order

    cid = f"cus_pub_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=2_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 3)
    order = await _placed(fresh_gql, fresh_store, cid, card)
    local = (
        await fresh_store.rows(
            select(m.Order.id).where(m.Order.customer_id == cid, m.Order.channel == "WEB")
        )
    )[0][0]
    registry = build_registry(fresh_gql.settings, fresh_store)
    broker = LocalBroker()
    publish_changes(registry, broker)
    async with broker.subscribe(orders_topic(cid)) as events:
        now = datetime.now(UTC)
        for status in ("READY_FOR_PICKUP", "READY_FOR_PICKUP", "COMPLETED", "RETURNED"):
            await move_order(registry, local, status, now)
        seen = [await asyncio.wait_for(anext(events), 1) for _ in range(3)]
    assert [e["status"] for e in seen] == ["READY_FOR_PICKUP", "COMPLETED", "RETURNED"]
    assert {e["orderId"] for e in seen} == {local} and order["id"]
    await audit_ledger(fresh_store, [cid])


async def test_a_move_cut_off_before_its_refund_is_finished_by_asking_again(
    fresh_gql: GraphQLClient, fresh_store: Store
) -> None:
    cid = f"cus_cut_{uuid.uuid4().hex[:8]}"
    card = await shopper(fresh_store, fresh_gql.settings, cid, wallet=2_000)
    await set_stock(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID, 2)
    order = await _placed(fresh_gql, fresh_store, cid, card)
    local = (
        await fresh_store.rows(
            select(m.Order.id).where(m.Order.customer_id == cid, m.Order.channel == "WEB")
        )
    )[0][0]
    # the status change and its restock committed, then the process died
    registry = build_registry(fresh_gql.settings, fresh_store)
    await registry.commerce.transition_order(local, "CANCELLED")  # type: ignore[attr-defined]
    assert await wallet_balance(fresh_store, cid) == 2_000 - WALLET_SHARE
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (2, 0, 0)

    finished = data(await _move(fresh_gql, order["id"], "CANCELLED"))["changeOrderStatus"]
    assert not finished["changed"] and finished["refunded"] == {"amount": WALLET_SHARE}
    assert await wallet_balance(fresh_store, cid) == 2_000
    assert await stock_of(fresh_store, DEVI_SHOES_SKU, DOWNTOWN_ID) == (2, 0, 0)  # once
    again = data(await _move(fresh_gql, order["id"], "CANCELLED"))["changeOrderStatus"]
    assert again["refunded"] == {"amount": WALLET_SHARE}  # the first refund, answered again
    assert await wallet_balance(fresh_store, cid) == 2_000
    await audit_ledger(fresh_store, [cid])
