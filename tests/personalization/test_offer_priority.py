"""The daily cap on new marketing offers keeps the most valuable ones (SQLite and
PostgreSQL): a reward reached or a cart left behind wins over convenience nudges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from commercegraph.adapters.base import OfferIssue
from commercegraph.adapters.native import personalization as native
from commercegraph.demo import DEVI_ID, SAM_ID
from commercegraph.services.offers import PRIORITY
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from tests.conftest import GraphQLClient
from tests.integration.test_journey import data

SAM_HOME = "loc_pearl"
T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
DOWNTOWN = {"lat": 45.5190, "lon": -122.6790}
OFFERS = """query($near: GeoPointInput!) {
  me { loyalty { points } offers(context: { near: $near }) { kind priority } } }"""


def issue(key: str, kind: str) -> OfferIssue:
    return OfferIssue(
        key=key,
        kind=kind,
        title="t",
        message="m",
        reason="r",
        sku=None,
        store_id=None,
        marketing=True,
        expires_at=T0 + timedelta(days=2),
        cap=timedelta(days=3),
        priority=PRIORITY[kind],
    )


async def test_the_cap_keeps_the_highest_priority(p8_store: Store) -> None:
    cid = f"cus_{uuid.uuid4().hex[:8]}"
    pickups = [issue(f"PICKUP_INCENTIVE:{n}", "PICKUP_INCENTIVE") for n in range(4)]
    shown = await native.issue_offers(
        p8_store,
        cid,
        [
            *pickups,
            issue("ABANDONED_CART:c1", "ABANDONED_CART"),
            issue("REWARD_LEVEL:p", "REWARD_LEVEL"),
        ],
        trigger="QUERY",
        now=T0,
        max_new_marketing_per_day=3,
    )
    kinds = sorted(o.kind for o in shown)
    assert kinds == ["ABANDONED_CART", "PICKUP_INCENTIVE", "REWARD_LEVEL"]


async def test_devi_sees_her_reward_level_offer(p8_gql: GraphQLClient) -> None:
    me = data(await p8_gql.post(OFFERS, {"near": DOWNTOWN}, token=p8_gql.token(DEVI_ID)))["me"]
    assert me["loyalty"]["points"] >= 500
    kinds = [o["kind"] for o in me["offers"]]
    assert "REWARD_LEVEL" in kinds
    assert all(o["priority"] == PRIORITY[o["kind"]] for o in me["offers"])


async def test_sams_abandoned_cart_is_not_crowded_out_by_pickups(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    """A stale cart of items in stock at Sam's pickup store makes a pickup incentive per
    item and one abandoned-cart offer: with three new marketing offers a day, the cart one
    is among them."""
    from commercegraph.adapters.registry import build_registry

    async with p8_store.read() as session:
        skus = list(
            await session.scalars(
                select(m.Stock.sku)
                .join(m.Location, m.Location.id == m.Stock.location_id)
                .where(
                    m.Stock.location_id == SAM_HOME,
                    m.Location.can_pickup.is_(True),
                    m.Stock.on_hand - m.Stock.reserved - m.Stock.safety_stock > 3,
                )
                .order_by(m.Stock.sku)
                .limit(4)
            )
        )
        await session.rollback()
    assert len(skus) == 4, "the demo stocks Sam's home store"
    async with p8_store.write() as session:  # nothing issued to Sam yet today
        await session.execute(delete(m.OfferCap).where(m.OfferCap.customer_id == SAM_ID))
        await session.execute(delete(m.OfferLogEntry).where(m.OfferLogEntry.customer_id == SAM_ID))
    registry = build_registry(p8_gql.settings, p8_store)
    cart = await registry.commerce.create_cart(SAM_ID, "WEB", "USD")
    for sku in skus:
        await registry.commerce.set_cart_line(cart.id, sku, 1)
    async with p8_store.write() as session:
        await session.execute(
            update(m.Cart)
            .where(m.Cart.id == cart.id)
            .values(updated_at=utcnow() - timedelta(hours=30))
        )
    query = "{ me { offers { kind priority } } }"
    offers = data(await p8_gql.post(query, token=p8_gql.token(SAM_ID)))["me"]["offers"]
    kinds = [o["kind"] for o in offers]
    assert "ABANDONED_CART" in kinds, kinds
    assert kinds.count("PICKUP_INCENTIVE") <= 2
    await registry.aclose()
