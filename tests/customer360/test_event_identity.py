"""/events cannot hijack an identity, take another sender's event id, or reveal a customer."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DOWNTOWN_ID, SAM_ID
from commercegraph.store import models as m
from tests.conftest import SeededDatabase
from tests.customer360.conftest import WEB_KEY, Client
from tests.factories import store_for

OWNER = (
    "query($k: IdentifierKind!, $v: String!) { customerByIdentifier(kind: $k, value: $v) { id } }"
)


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _viewed(event_id: str, *identifiers: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "product_viewed",
        "occurredAt": _now(),
        "sku": DEVI_COFFEE_SKU,
        "identifiers": [{"kind": k, "value": v} for k, v in identifiers],
    }


def _sale(event_id: str, card: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "pos_purchase",
        "occurredAt": _now(),
        "storeId": DOWNTOWN_ID,
        "currency": "USD",
        "identifiers": [{"kind": "LOYALTY_CARD", "value": card}],
        "lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 1, "unitPrice": 999}],
    }


async def _owner(client: Client, kind: str, value: str) -> str | None:
    body = await client.post(OWNER, {"k": kind, "v": value}, token=client.token(staff=True))
    found = body["data"]["customerByIdentifier"]
    if found is None:
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
        return None
    return base64.b64decode(found["id"]).decode().rsplit(":", 1)[1]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("EMAIL", "nobody-yet@example.com"),
        ("PHONE", "+14155550199"),
        ("LOYALTY_CARD", "LC-FREE-77"),
    ],
)
async def test_a_customer_token_cannot_claim_an_unheld_identifier(
    client: Client, kind: str, value: str
) -> None:
    response = await client.events(
        _viewed(_unique("claim"), (kind, value)), key=None, token=client.token(SAM_ID)
    )
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "FORBIDDEN"
    assert body["errors"][0]["field"] == "identifiers[0].kind"
    assert await _owner(client, kind, value) is None


async def test_a_claimed_card_does_not_credit_the_claimant_with_a_later_sale(
    client: Client,
) -> None:
    card = _unique("LC-HIJACK").upper()
    claim = await client.events(
        _viewed(_unique("claim"), ("LOYALTY_CARD", card)), key=None, token=client.token(SAM_ID)
    )
    assert claim.status_code == 403
    sale = await client.events(_sale(_unique("sale"), card))
    assert sale.status_code == 200, sale.text
    (result,) = sale.json()["results"]
    assert result["customerId"] is None and result["orderId"] is None


async def test_each_sender_links_only_what_it_can_vouch_for(client: Client) -> None:
    device = _unique("dev-sam")
    own = await client.events(
        _viewed(_unique("own"), ("DEVICE", device)), key=None, token=client.token(SAM_ID)
    )
    assert own.status_code == 200, own.text
    assert own.json()["results"][0]["linked"] == [{"kind": "DEVICE", "value": device}]
    assert await _owner(client, "DEVICE", device) == SAM_ID

    card = _unique("LC-WEB").upper()
    event = {**_viewed(_unique("web"), ("DEVICE", device), ("LOYALTY_CARD", card))}
    web = await client.events(event, key=WEB_KEY)
    assert web.status_code == 403 and web.json()["errors"][0]["field"] == "identifiers[1].kind"
    email = _unique("sam-alt") + "@example.com"
    web = await client.events(
        _viewed(_unique("web"), ("DEVICE", device), ("EMAIL", email)), key=WEB_KEY
    )
    assert web.status_code == 200, web.text
    assert await _owner(client, "EMAIL", email) == SAM_ID

    store = await client.events(_viewed(_unique("pos"), ("DEVICE", device), ("LOYALTY_CARD", card)))
    assert store.status_code == 200, store.text
    assert await _owner(client, "LOYALTY_CARD", card) == SAM_ID


async def test_a_customer_cannot_take_a_stores_event_id(client: Client) -> None:
    event_id = _unique("pos-sale")
    first = await client.events(_viewed(event_id), key=None, token=client.token(SAM_ID))
    assert first.status_code == 200, first.text
    sale_at = _now()
    sale = await client.events({**_sale(event_id, "lc-devi-0001"), "occurredAt": sale_at})
    assert sale.status_code == 200, sale.text
    (result,) = sale.json()["results"]
    assert result["status"] == "accepted" and result["customerId"] == DEVI_ID
    assert result["orderId"] is not None
    again = await client.events({**_sale(event_id, "lc-devi-0001"), "occurredAt": sale_at})
    assert again.json()["results"][0] == {**result, "status": "duplicate", "linked": []}


async def test_answers_never_carry_another_customers_id(client: Client) -> None:
    devi_device = _unique("dev-devi")
    linked = await client.events(
        _viewed(_unique("devi"), ("DEVICE", devi_device)), key=None, token=client.token(DEVI_ID)
    )
    assert linked.status_code == 200, linked.text

    # Sam names Devi's device: a conflict, without saying whose it is
    taken = await client.events(
        _viewed(_unique("sam"), ("DEVICE", devi_device)), key=None, token=client.token(SAM_ID)
    )
    assert taken.status_code == 409, taken.text
    assert DEVI_ID not in taken.text

    # Sam replays the id of Devi's event: his own event, not hers
    event_id = _unique("shared")
    devi = await client.events(_viewed(event_id), key=None, token=client.token(DEVI_ID))
    assert devi.json()["results"][0]["customerId"] == DEVI_ID
    sam = await client.events(_viewed(event_id), key=None, token=client.token(SAM_ID))
    assert sam.status_code == 200, sam.text
    assert sam.json()["results"][0] == {
        "id": event_id,
        "status": "accepted",
        "customerId": SAM_ID,
        "orderId": None,
        "linked": [],
    }
    assert DEVI_ID not in sam.text


async def test_an_event_stored_before_ids_were_scoped_is_still_a_duplicate(
    client: Client, fresh_db: SeededDatabase
) -> None:
    event = _viewed(_unique("legacy"))
    occurred = datetime.fromisoformat(event["occurredAt"].replace("Z", "+00:00"))
    store = store_for(fresh_db.url)
    try:
        async with store.write() as session:
            session.add(
                m.Event(
                    source="legacy",
                    id=event["id"],
                    type="product_viewed",
                    customer_id=DEVI_ID,
                    channel="WEB",
                    sku=DEVI_COFFEE_SKU,
                    occurred_at=occurred,
                    received_at=occurred,
                    payload={},
                )
            )
    finally:
        await store.dispose()
    web = await client.events(event, key=WEB_KEY)
    assert web.json()["results"][0]["status"] == "duplicate"
    # Devi's own redelivery is a duplicate; Sam's event with that id is his own
    devi = await client.events(event, key=None, token=client.token(DEVI_ID))
    assert devi.json()["results"][0]["status"] == "duplicate"
    sam = await client.events(event, key=None, token=client.token(SAM_ID))
    assert sam.json()["results"][0] == {
        "id": event["id"],
        "status": "accepted",
        "customerId": SAM_ID,
        "orderId": None,
        "linked": [],
    }


@pytest.mark.parametrize("currency", ["XXX", "QQQ"])
async def test_a_sale_in_a_currency_one_cannot_pay_in_is_refused(
    client: Client, currency: str
) -> None:
    sale = {**_sale(_unique("sale"), "lc-devi-0001"), "currency": currency}
    response = await client.events(sale)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "currency"


async def test_a_token_for_a_customer_that_does_not_exist_sends_no_events(client: Client) -> None:
    event = _viewed(_unique("ghost"), ("DEVICE", _unique("dev-ghost")))
    response = await client.events(event, key=None, token=client.token("cus_ghost_never_seeded"))
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "UNAUTHENTICATED"
