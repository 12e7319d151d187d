"""The daily cap on new marketing offers keeps the most valuable ones (SQLite and
PostgreSQL): a reward reached or a cart left behind wins over convenience nudges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from commercegraph.adapters.base import OfferIssue
from commercegraph.adapters.native import personalization as native
from commercegraph.demo import DEVI_ID
from commercegraph.services.offers import PRIORITY
from commercegraph.store.db import Store
from tests.conftest import GraphQLClient
from tests.integration.test_journey import data

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
