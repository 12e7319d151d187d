"""Consent, export and erasure through GraphQL and /events, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from commercegraph.adapters.native.privacy import NativePrivacy
from commercegraph.demo import DEVI_ID, SAM_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from tests.conftest import GraphQLClient
from tests.integration.test_journey import codes, data

CONSENT = """mutation($input: ConsentInput!) { updateConsent(input: $input) {
  marketingEmail marketingSms personalization droppedWebhooks } }"""
ERASE = """mutation($id: ID) { requestErasure(customerId: $id) {
  customerId completed steps forwardedTo } }"""


async def _queue_marketing_webhook(store: Store, customer_id: str) -> str:
    now = utcnow()
    offer_id, delivery_id = f"off_{uuid.uuid4().hex}", f"dlv_{uuid.uuid4().hex}"
    async with store.write() as session:
        session.add(
            m.OfferLogEntry(
                id=offer_id,
                customer_id=customer_id,
                offer_key=f"test:{offer_id}",
                kind="PROMOTION",
                title="t",
                message="m",
                reason="r",
                trigger="test",
                marketing=True,
                issued_at=now,
                expires_at=now + timedelta(days=1),
            )
        )
        session.add(
            m.WebhookDelivery(
                id=delivery_id,
                event_type="offer.created",
                payload={"offerId": offer_id, "customerId": customer_id},
                status="PENDING",
                attempts=0,
                next_attempt_at=now + timedelta(hours=1),
                created_at=now,
            )
        )
    return delivery_id


async def _status(store: Store, delivery_id: str) -> str:
    async with store.read() as session:
        row = await session.get(m.WebhookDelivery, delivery_id)
        assert row is not None
        return row.status


async def test_withdrawn_personalisation_stops_personal_recommendations(
    p8_gql: GraphQLClient,
) -> None:
    token = p8_gql.token(DEVI_ID)
    query = """{ me { up: recommendations(kind: UP_SELL) { product { sku } }
                      cross: recommendations(kind: CROSS_SELL) { product { sku } } } }"""
    before = data(await p8_gql.post(query, token=token))["me"]
    assert before["up"] or before["cross"]
    try:
        changed = data(
            await p8_gql.post(CONSENT, {"input": {"personalization": False}}, token=token)
        )["updateConsent"]
        assert changed["personalization"] is False
        after = data(await p8_gql.post(query, token=token))["me"]
        assert after == {"up": [], "cross": []}
        consent = data(await p8_gql.post("{ me { consent { personalization } } }", token=token))
        assert consent["me"]["consent"]["personalization"] is False
    finally:
        await p8_gql.post(CONSENT, {"input": {"personalization": True}}, token=token)
    again = data(await p8_gql.post(query, token=token))["me"]
    assert again == before


async def test_withdrawn_marketing_consent_drops_queued_marketing_webhooks(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    token = p8_gql.token(SAM_ID)
    start = data(
        await p8_gql.post("{ me { consent { marketingEmail marketingSms } } }", token=token)
    )
    delivery = await _queue_marketing_webhook(p8_store, SAM_ID)
    try:
        off = {"marketingEmail": False, "marketingSms": False, "personalization": True}
        changed = data(await p8_gql.post(CONSENT, {"input": off}, token=token))["updateConsent"]
        assert changed["droppedWebhooks"] == 1
        assert await _status(p8_store, delivery) == "DROPPED"
        empty = await p8_gql.post(CONSENT, {"input": {}}, token=token)
        assert codes(empty) == ["BAD_USER_INPUT"]
        staff = await p8_gql.post(CONSENT, {"input": off}, token=p8_gql.token(staff=True))
        assert codes(staff) == ["UNAUTHENTICATED"] or codes(staff) == ["FORBIDDEN"]
    finally:
        await p8_gql.post(CONSENT, {"input": start["me"]["consent"]}, token=token)
    async with p8_store.read() as session:
        audits = (
            await session.scalars(
                select(m.PrivacyAudit).where(
                    m.PrivacyAudit.customer_id == SAM_ID, m.PrivacyAudit.action == "CONSENT"
                )
            )
        ).all()
    assert any(a.details["droppedWebhooks"] == [delivery] for a in audits)


async def test_data_export_shows_what_each_backend_holds(p8_gql: GraphQLClient) -> None:
    token = p8_gql.token(DEVI_ID)
    body = data(await p8_gql.post("{ me { dataExport } }", token=token))
    doc = json.loads(body["me"]["dataExport"])
    assert doc["customerId"] == DEVI_ID
    assert set(doc) >= {"customer", "commerce", "wallet", "gateway", "limits"}
    assert doc["customer"]["backend"] == "native"
    assert doc["customer"]["profile"]["id"] == DEVI_ID
    assert {i["kind"] for i in doc["customer"]["identifiers"]} >= {"EMAIL", "LOYALTY_CARD"}
    assert doc["customer"]["consent"]["personalization"] in (True, False)
    orders = doc["commerce"]["orders"]
    assert orders["items"] and orders["truncated"] is False
    assert all(o["customer_id"] == DEVI_ID for o in orders["items"])
    assert doc["wallet"]["transactions"]["items"]
    assert doc["wallet"]["loyalty"]["points"] >= 0
    assert set(doc["gateway"]) >= {"shoppingList", "offers", "events", "segments", "privacyAudit"}
    limit = doc["limits"]["itemsPerCollection"]
    assert all(
        len(doc["gateway"][k]["items"]) <= limit for k in ("shoppingList", "offers", "events")
    )
    second = json.loads(
        data(await p8_gql.post("{ me { dataExport } }", token=token))["me"]["dataExport"]
    )
    assert any(a["action"] == "EXPORT" for a in second["gateway"]["privacyAudit"])
    other = await p8_gql.post(
        "query($id: ID!) { customer(id: $id) { dataExport } }",
        {"id": to_global_id("Customer", SAM_ID)},
        token=token,
    )
    assert codes(other)


async def _a_customer_to_erase(store: Store) -> tuple[str, str]:
    async with store.read() as session:
        row = (
            await session.execute(
                select(m.Customer.id, m.CustomerIdentifier.value)
                .join(m.CustomerIdentifier, m.CustomerIdentifier.customer_id == m.Customer.id)
                .join(m.Order, m.Order.customer_id == m.Customer.id)
                .where(
                    m.Customer.id.not_in([DEVI_ID, SAM_ID]),
                    m.Customer.erased_at.is_(None),
                    m.CustomerIdentifier.kind == "EMAIL",
                )
                .order_by(m.Customer.id)
                .limit(1)
            )
        ).one()
    return row[0], row[1]


async def _ledger_unbalanced(store: Store) -> int:
    """Ledger transactions whose entries do not sum to zero."""
    async with store.read() as session:
        rows = await session.execute(
            select(m.LedgerEntry.transaction_id)
            .group_by(m.LedgerEntry.transaction_id)
            .having(func.sum(m.LedgerEntry.amount) != 0)
        )
        return len(rows.all())


async def _orders_of(store: Store, customer_id: str) -> list[tuple[str, int]]:
    async with store.read() as session:
        rows = await session.execute(
            select(m.Order.id, m.Order.total)
            .where(m.Order.customer_id == customer_id)
            .order_by(m.Order.id)
        )
        return [(i, t) for i, t in rows]


async def test_erasure_pseudonymises_keeps_the_books_and_stops_the_token(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    customer_id, email = await _a_customer_to_erase(p8_store)
    token = p8_gql.token(customer_id)
    orders = await _orders_of(p8_store, customer_id)
    delivery = await _queue_marketing_webhook(p8_store, customer_id)
    assert data(await p8_gql.post("{ me { id } }", token=token))["me"]

    erased = data(await p8_gql.post(ERASE, token=token))["requestErasure"]
    assert erased["completed"] is True
    assert erased["steps"] == [
        "identifiers",
        "profile",
        "personalisation",
        "outbox",
        "events",
        "backends",
    ]

    assert codes(await p8_gql.post("{ me { id } }", token=token)) == ["NOT_FOUND"]
    refused = await p8_gql.post(CONSENT, {"input": {"marketingEmail": True}}, token=token)
    assert codes(refused)
    staff = p8_gql.token(staff=True)
    lookup = await p8_gql.post(
        "query($v: String!) { customerByIdentifier(kind: EMAIL, value: $v) { id } }",
        {"v": email},
        token=staff,
    )
    assert codes(lookup) == ["NOT_FOUND"]
    assert await _orders_of(p8_store, customer_id) == orders  # amounts kept for accounting
    assert await _ledger_unbalanced(p8_store) == 0
    assert await _status(p8_store, delivery) == "DROPPED"
    async with p8_store.read() as session:
        row = await session.get(m.Customer, customer_id)
        assert row is not None and row.email is None and row.display_name == "Erased customer"
        payloads = list(
            await session.scalars(select(m.Event.payload).where(m.Event.customer_id == customer_id))
        )
        assert all(email not in json.dumps(p) for p in payloads)
        steps = list(
            await session.scalars(
                select(m.PrivacyAudit.step).where(
                    m.PrivacyAudit.customer_id == customer_id, m.PrivacyAudit.action == "ERASURE"
                )
            )
        )
    assert sorted(steps) == sorted([*erased["steps"], "completed"])

    # an event arriving later with the erased email does not bring the person back
    late = {
        "id": f"late-{uuid.uuid4().hex[:8]}",
        "type": "app_opened",
        "occurredAt": utcnow().isoformat(),
        "channel": "WEB",
        "identifiers": [{"kind": "EMAIL", "value": email}],
    }
    response = await p8_gql.http.post(
        "/events", json=late, headers={"Authorization": f"Bearer {staff}"}
    )
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["customerId"] is None and result["linked"] == []
    lookup = await p8_gql.post(
        "query($v: String!) { customerByIdentifier(kind: EMAIL, value: $v) { id } }",
        {"v": email},
        token=staff,
    )
    assert codes(lookup) == ["NOT_FOUND"]

    # repeating it is harmless and audits nothing twice
    again = data(
        await p8_gql.post(ERASE, {"id": to_global_id("Customer", customer_id)}, token=staff)
    )["requestErasure"]
    assert again["completed"] is True
    async with p8_store.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(m.PrivacyAudit)
            .where(m.PrivacyAudit.customer_id == customer_id, m.PrivacyAudit.action == "ERASURE")
        )
    assert count == len(steps)


async def test_an_erasure_cut_off_half_way_is_finished_by_the_next_run(
    p8_gql: GraphQLClient, p8_store: Store
) -> None:
    customer_id, _ = await _a_customer_to_erase(p8_store)
    log = NativePrivacy(p8_store)
    now = utcnow()
    # what a run that died after its first step leaves behind
    await log.start_erasure(customer_id, now)
    await log.erase_identifiers(customer_id, now)
    await log.step_done(customer_id, "identifiers")

    staff = p8_gql.token(staff=True)
    done = data(
        await p8_gql.post(ERASE, {"id": to_global_id("Customer", customer_id)}, token=staff)
    )["requestErasure"]
    assert done["completed"] is True
    async with p8_store.read() as session:
        row = await session.get(m.Customer, customer_id)
        request = await session.get(m.ErasureRequest, customer_id)
        steps = list(
            await session.scalars(
                select(m.PrivacyAudit.step).where(
                    m.PrivacyAudit.customer_id == customer_id, m.PrivacyAudit.action == "ERASURE"
                )
            )
        )
    assert row is not None and row.erased_at is not None and row.email is None
    assert request is not None and request.completed_at is not None
    assert "identifiers" not in steps and "profile" in steps
    unknown = await p8_gql.post(ERASE, {"id": to_global_id("Customer", "cus_nobody")}, token=staff)
    assert codes(unknown) == ["NOT_FOUND"]
