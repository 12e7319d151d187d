"""Staff campaigns through GraphQL (create, list, disable, validation) and their push by
``offers dispatch`` to the consenting members of the segment, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from commercegraph.adapters.registry import build_registry
from commercegraph.demo import DEVI_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.offer_dispatch import OFFER_DISPATCHED, dispatch_offers
from tests.conftest import GraphQLClient
from tests.integration.test_journey import codes, data

FIELDS = "id name segmentKey trigger title message pricingRuleId active createdBy disabledAt"
CREATE = "mutation($input: CampaignInput!) { createCampaign(input: $input) { %s } }" % FIELDS
LIST = "query($all: Boolean!) { campaigns(includeDisabled: $all) { id active } }"
DISABLE = "mutation($id: ID!) { disableCampaign(id: $id) { id active disabledAt } }"
RULE = to_global_id("PricingRule", "rule_rfm_champions")


async def _segment_of_two(store: Store) -> tuple[str, str, str]:
    """A segment of two new customers, one who consents to marketing and one who does not."""
    tag = uuid.uuid4().hex[:8]
    key, yes, no = f"test:campaign-{tag}", f"cus_cy{tag}", f"cus_cn{tag}"
    now = utcnow()
    async with store.write() as session:
        for cid, marketing in ((yes, True), (no, False)):
            session.add(
                m.Customer(
                    id=cid,
                    display_name="Campaign Tester",
                    email=f"{cid}@example.com",
                    customer_group="RETAIL",
                    created_at=now - timedelta(days=100),
                )
            )
            await session.flush()
            session.add(
                m.Consent(
                    customer_id=cid,
                    marketing_email=marketing,
                    marketing_sms=False,
                    personalization=True,
                    updated_at=now,
                )
            )
            session.add(
                m.CustomerSegment(
                    customer_id=cid, segment_key=key, name="Test", kind="BEHAVIOUR", computed_at=now
                )
            )
    return key, yes, no


async def test_staff_define_a_campaign_and_dispatch_pushes_it(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    staff = p8_gql.token(staff=True)
    key, yes, no = await _segment_of_two(p8_store)
    campaign = {
        "name": "Thank you",
        "segmentKey": key,
        "trigger": "SEGMENT",
        "title": "A thank-you for you",
        "message": "2.50 off running shoes this week.",
        "pricingRuleId": RULE,
    }
    created = data(await p8_gql.post(CREATE, {"input": campaign}, token=staff))["createCampaign"]
    assert created["active"] and created["segmentKey"] == key
    assert created["pricingRuleId"] == RULE and created["createdBy"] == "staff-tester"
    listed = data(await p8_gql.post(LIST, {"all": False}, token=staff))["campaigns"]
    assert created["id"] in {c["id"] for c in listed}

    settings = p8_gql.settings.model_copy(
        update={"webhook_url": "http://127.0.0.1:9/marketing", "offers_max_pushed_per_day": 10}
    )
    registry = build_registry(settings, p8_store)
    at = datetime.now(UTC) + timedelta(days=3)
    both = {yes, no}
    report = await dispatch_offers(registry, settings, p8_store, now=at, customer_ids=both)
    assert report.by_kind["CAMPAIGN"] >= 1
    async with p8_store.read() as session:
        pushed = [
            d.payload
            for d in await session.scalars(
                select(m.WebhookDelivery).where(m.WebhookDelivery.event_type == OFFER_DISPATCHED)
            )
            if d.payload["kind"] == "CAMPAIGN" and d.payload["title"] == campaign["title"]
        ]
    assert [p["customerId"] for p in pushed] == [yes], "only the member who consents"
    assert all(p["pricingRuleId"] == "rule_rfm_champions" for p in pushed)
    again = await dispatch_offers(
        registry, settings, p8_store, now=at + timedelta(hours=1), customer_ids=both
    )
    assert again.by_kind.get("CAMPAIGN", 0) == 0

    disabled = data(await p8_gql.post(DISABLE, {"id": created["id"]}, token=staff))
    assert disabled["disableCampaign"]["active"] is False
    assert disabled["disableCampaign"]["disabledAt"]
    listed = data(await p8_gql.post(LIST, {"all": False}, token=staff))["campaigns"]
    assert created["id"] not in {c["id"] for c in listed}
    every = data(await p8_gql.post(LIST, {"all": True}, token=staff))["campaigns"]
    assert created["id"] in {c["id"] for c in every}
    later = await dispatch_offers(
        registry, settings, p8_store, now=at + timedelta(days=40), customer_ids=both
    )
    assert later.by_kind.get("CAMPAIGN", 0) == 0, "a disabled campaign is not pushed"
    await registry.aclose()


async def test_campaign_input_is_checked(p8_gql: GraphQLClient) -> None:
    staff = p8_gql.token(staff=True)
    good = {
        "name": "n",
        "segmentKey": "rfm:at-risk",
        "trigger": "ABANDONED_CART",
        "title": "t",
        "message": "m",
    }
    before = len(data(await p8_gql.post(LIST, {"all": True}, token=staff))["campaigns"])
    for change, argument in (
        ({"segmentKey": "Champions"}, "input.segmentKey"),
        ({"title": "  "}, "input.title"),
        ({"name": "x" * 201}, "input.name"),
        ({"pricingRuleId": to_global_id("PricingRule", "rule_nope")}, "input.pricingRuleId"),
        ({"pricingRuleId": to_global_id("Store", "loc_downtown")}, "input.pricingRuleId"),
    ):
        body = await p8_gql.post(CREATE, {"input": {**good, **change}}, token=staff)
        assert codes(body) == ["BAD_USER_INPUT"], (change, body)
        assert body["errors"][0]["extensions"].get("argument") == argument, body
    body = await p8_gql.post(CREATE, {"input": good}, token=p8_gql.token(DEVI_ID))
    assert codes(body) == ["FORBIDDEN"]
    assert codes(await p8_gql.post(LIST, {"all": True})) == ["UNAUTHENTICATED"]
    assert codes(await p8_gql.post(DISABLE, {"id": "cmp_missing"}, token=staff)) == ["NOT_FOUND"]
    after = len(data(await p8_gql.post(LIST, {"all": True}, token=staff))["campaigns"])
    assert after == before
