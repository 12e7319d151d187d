"""Shopping-list mutations, autoFillCart, consent, abandoned carts and segment fit, through
GraphQL on a demo retailer of our own (these tests write customers, orders and carts)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from commercegraph.adapters.base import ConsentRecord
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_SODA_SKU, SAM_ID, SAM_PHONE_SKU
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from tests.conftest import GraphQLClient
from tests.integration.test_journey import codes, data

PODS_PRICE = 1299
LIST = "items { product { sku } quantity source dueSoon nextDueAt } dueSoon { product { sku } }"


async def shopper(
    store: Store,
    *,
    consent: ConsentRecord | None,
    pods_every_days: int = 14,
    last_pods_days_ago: float = 13,
) -> str:
    """A customer who buys coffee pods (two at a time) on a regular cycle."""
    cid = f"cus_t{uuid.uuid4().hex[:10]}"
    now = utcnow()
    async with store.write() as session:
        session.add(
            m.Customer(
                id=cid,
                display_name="Test Shopper",
                email=f"{cid}@example.com",
                customer_group="RETAIL",
                created_at=now - timedelta(days=400),
            )
        )
        await session.flush()
        if consent is not None:
            session.add(
                m.Consent(
                    customer_id=cid,
                    marketing_email=consent.marketing_email,
                    marketing_sms=consent.marketing_sms,
                    personalization=consent.personalization,
                    updated_at=now,
                )
            )
        for n in range(6):
            placed = now - timedelta(days=last_pods_days_ago + n * pods_every_days)
            oid = f"ord_{cid}_{n}"
            session.add(
                m.Order(
                    id=oid,
                    customer_id=cid,
                    channel="WEB",
                    placed_at=placed,
                    currency="USD",
                    subtotal=2 * PODS_PRICE,
                    total=2 * PODS_PRICE,
                    fulfillment="SHIP",
                )
            )
            await session.flush()
            session.add(
                m.OrderLine(
                    order_id=oid,
                    sku=DEVI_COFFEE_SKU,
                    quantity=2,
                    unit_price=PODS_PRICE,
                    line_total=2 * PODS_PRICE,
                )
            )
    return cid


ALL = ConsentRecord(marketing_email=True, marketing_sms=False, personalization=True)
SERVICE_ONLY = ConsentRecord(marketing_email=False, marketing_sms=False, personalization=True)


async def test_due_items_fill_a_cart_once(p8_gql: GraphQLClient, p8_store: Store) -> None:
    cid = await shopper(p8_store, consent=ALL)
    token = p8_gql.token(cid)
    listed = data(await p8_gql.post("{ me { shoppingList { %s } } }" % LIST, token=token))
    due = listed["me"]["shoppingList"]["dueSoon"]
    assert [d["product"]["sku"] for d in due] == [DEVI_COFFEE_SKU]
    fill = "mutation($cart: ID) { autoFillCart(cartId: $cart) { cartId lines { sku quantity product { name } } added { sku quantity } cart { id status lines { quantity product { sku } } } } }"
    first = data(await p8_gql.post(fill, token=token))["autoFillCart"]
    assert first["added"] == [{"sku": DEVI_COFFEE_SKU, "quantity": 2}]
    assert [(line["sku"], line["quantity"]) for line in first["lines"]] == [(DEVI_COFFEE_SKU, 2)]
    cart = first["cart"]
    assert cart["id"] == first["cartId"] and cart["status"] == "OPEN"
    assert [(x["product"]["sku"], x["quantity"]) for x in cart["lines"]] == [(DEVI_COFFEE_SKU, 2)]
    second = data(await p8_gql.post(fill, {"cart": first["cartId"]}, token=token))["autoFillCart"]
    assert second["added"] == [] and second["cartId"] == first["cartId"]
    assert [(line["sku"], line["quantity"]) for line in second["lines"]] == [(DEVI_COFFEE_SKU, 2)]
    other = p8_gql.token(SAM_ID)
    assert codes(await p8_gql.post(fill, {"cart": first["cartId"]}, token=other)) == ["NOT_FOUND"]


async def test_add_and_remove_list_items(p8_gql: GraphQLClient, p8_store: Store) -> None:
    cid = await shopper(p8_store, consent=ALL, pods_every_days=21, last_pods_days_ago=2)
    token = p8_gql.token(cid)
    add = 'mutation { addToShoppingList(sku: "%s", quantity: 3) { %s } }' % (DEVI_SODA_SKU, LIST)
    items = data(await p8_gql.post(add, token=token))["addToShoppingList"]["items"]
    assert {(i["product"]["sku"], i["source"], i["quantity"]) for i in items} == {
        (DEVI_COFFEE_SKU, "REPLENISHMENT", 2),
        (DEVI_SODA_SKU, "EXPLICIT", 3),
    }
    for sku in (DEVI_SODA_SKU, DEVI_COFFEE_SKU):
        remove = 'mutation { removeFromShoppingList(sku: "%s") { %s } }' % (sku, LIST)
        items = data(await p8_gql.post(remove, token=token))["removeFromShoppingList"]["items"]
        assert sku not in {i["product"]["sku"] for i in items}
    assert (
        data(await p8_gql.post("{ me { shoppingList { %s } } }" % LIST, token=token))["me"][
            "shoppingList"
        ]["items"]
        == []
    )


OFFERS = "{ me { offers { kind reason expiresAt product { sku } } } }"


async def test_offers_respect_consent(p8_gql: GraphQLClient, p8_store: Store) -> None:
    full = await shopper(p8_store, consent=ALL)
    service = await shopper(p8_store, consent=SERVICE_ONLY)
    nothing = await shopper(p8_store, consent=None)
    kinds = {}
    for cid in (full, service, nothing):
        offers = data(await p8_gql.post(OFFERS, token=p8_gql.token(cid)))["me"]["offers"]
        kinds[cid] = [o["kind"] for o in offers]
    assert "REPLENISHMENT_REMINDER" in kinds[full]
    assert kinds[service] == ["REPLENISHMENT_REMINDER"]
    assert kinds[nothing] == []


async def test_abandoned_cart_offer(p8_gql: GraphQLClient, p8_store: Store) -> None:
    from commercegraph.adapters.registry import build_registry

    cid = await shopper(p8_store, consent=ALL, pods_every_days=30, last_pods_days_ago=1)
    registry = build_registry(p8_gql.settings, p8_store)
    cart = await registry.commerce.create_cart(cid, "WEB", "USD")
    await registry.commerce.set_cart_line(cart.id, DEVI_SODA_SKU, 2)
    token = p8_gql.token(cid)
    fresh = data(await p8_gql.post(OFFERS, token=token))["me"]["offers"]
    assert "ABANDONED_CART" not in {o["kind"] for o in fresh}
    async with p8_store.write() as session:
        await session.execute(
            update(m.Cart)
            .where(m.Cart.id == cart.id)
            .values(updated_at=utcnow() - timedelta(hours=30))
        )
    stale = data(await p8_gql.post(OFFERS, token=token))["me"]["offers"]
    abandoned = [o for o in stale if o["kind"] == "ABANDONED_CART"]
    assert len(abandoned) == 1 and "30 hours" in abandoned[0]["reason"]
    assert datetime.fromisoformat(abandoned[0]["expiresAt"]) > utcnow()


async def test_segment_fit_tightens_the_price_caps(p8_gql: GraphQLClient, p8_store: Store) -> None:
    query = (
        """{ phone: product(sku: "%s") { price { final { amount } } }
      me { up: recommendations(kind: UP_SELL, first: 20) { price { amount } }
           cross: recommendations(kind: CROSS_SELL, first: 20) { price { amount } } } }"""
        % SAM_PHONE_SKU
    )
    token = p8_gql.token(SAM_ID)
    before = data(await p8_gql.post(query, token=token))
    phone = before["phone"]["price"]["final"]["amount"]
    async with p8_store.write() as session:
        session.add(
            m.CustomerSegment(
                customer_id=SAM_ID,
                segment_key="behaviour:discount-driven",
                name="Discount-driven",
                kind="BEHAVIOUR",
                computed_at=utcnow(),
            )
        )
    try:
        after = data(await p8_gql.post(query, token=token))
    finally:
        async with p8_store.write() as session:
            await session.execute(
                delete(m.CustomerSegment).where(m.CustomerSegment.customer_id == SAM_ID)
            )
    up_before = [r["price"]["amount"] for r in before["me"]["up"]]
    up_after = [r["price"]["amount"] for r in after["me"]["up"]]
    assert all(p * 5 <= phone * 6 for p in up_after)  # 1.2× for discount-driven shoppers
    assert any(p * 5 > phone * 6 for p in up_before), "the default 1.5× cap lets dearer ones in"
    cross_after = [r["price"]["amount"] for r in after["me"]["cross"]]
    assert cross_after and all(p * 4 <= phone for p in cross_after)
    assert len(cross_after) <= len(before["me"]["cross"])


async def test_pickup_incentive_for_a_due_item_near_a_pickup_store(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    cid = await shopper(p8_store, consent=ALL)
    query = """{ me { offers(context: {near: {lat: 45.519, lon: -122.679}, radiusKm: 5}) {
        kind reason product { sku } store { name capabilities } } } }"""
    offers = data(await p8_gql.post(query, token=p8_gql.token(cid)))["me"]["offers"]
    pickup = [o for o in offers if o["kind"] == "PICKUP_INCENTIVE"]
    assert [o["product"]["sku"] for o in pickup] == [DEVI_COFFEE_SKU]
    assert "PICKUP" in pickup[0]["store"]["capabilities"]
    reminder = [o for o in offers if o["kind"] == "REPLENISHMENT_REMINDER"]
    assert [o["product"]["sku"] for o in reminder] == [DEVI_COFFEE_SKU]
