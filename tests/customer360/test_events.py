"""POST /events against a seeded store of its own, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID, SAM_ID
from tests.customer360.conftest import WEB_KEY, Client

PROBLEM = "application/problem+json"


def _now(minutes: int = 0) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code and body["title"] and body["type"]
    return body


async def _orders(client: Client, customer_id: str, channel: str = "STORE") -> dict[str, Any]:
    query = """query($c: Channel) { me { orders(first: 1, channel: $c) { totalCount
        edges { node { id channel total { amount currency } store { id }
                       lines { sku quantity unitPrice { amount } } } } } } }"""
    body = await client.post(query, {"c": channel}, token=client.token(customer_id))
    assert "errors" not in body, body
    orders: dict[str, Any] = body["data"]["me"]["orders"]
    return orders


def _purchase(event_id: str, card: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "pos_purchase",
        "occurredAt": _now(),
        "storeId": DOWNTOWN_ID,
        "currency": "USD",
        "identifiers": [{"kind": "LOYALTY_CARD", "value": card}],
        "lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 2, "unitPrice": 1299}],
        "discount": 100,
        **extra,
    }


async def test_devi_pos_purchase_with_her_loyalty_card_is_a_store_order(client: Client) -> None:
    before = await _orders(client, DEVI_ID)
    sale = _purchase("pos-devi-1", "lc-devi-0001")
    response = await client.events(sale)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "accepted" and result["customerId"] == DEVI_ID
    after = await _orders(client, DEVI_ID)
    assert after["totalCount"] == before["totalCount"] + 1
    newest = after["edges"][0]["node"]
    assert newest["channel"] == "STORE"
    assert newest["total"] == {"amount": 2 * 1299 - 100, "currency": "USD"}
    assert newest["lines"] == [
        {"sku": DEVI_COFFEE_SKU, "quantity": 2, "unitPrice": {"amount": 1299}}
    ]

    again = await client.events(sale)  # the point of sale retries
    assert again.status_code == 200
    (dup,) = again.json()["results"]
    assert dup["status"] == "duplicate" and dup["orderId"] == result["orderId"]
    assert (await _orders(client, DEVI_ID))["totalCount"] == after["totalCount"]


async def test_pos_purchase_updates_her_segments_at_once(client: Client) -> None:
    query = "{ me { rfm { recency frequency monetary segment } lifetimeValue { historical { amount } } } }"
    token = client.token(DEVI_ID)
    before = (await client.post(query, token=token))["data"]["me"]
    response = await client.events(_purchase("pos-devi-2", "LC-DEVI-0001"))
    assert response.status_code == 200, response.text
    after = (await client.post(query, token=token))["data"]["me"]
    assert after["lifetimeValue"]["historical"]["amount"] == (
        before["lifetimeValue"]["historical"]["amount"] + 2 * 1299 - 100
    )
    assert after["rfm"]["recency"] == 5


async def test_view_from_a_new_device_with_her_email_links_the_device(client: Client) -> None:
    event = {
        "id": "view-new-device-1",
        "type": "product_viewed",
        "occurredAt": _now(),
        "sku": DEVI_SHOES_SKU,
        "identifiers": [
            {"kind": "DEVICE", "value": "dev-devi-new-tablet"},
            {"kind": "EMAIL", "value": " Devi@Example.com "},
        ],
    }
    response = await client.events(event, key=WEB_KEY)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["customerId"] == DEVI_ID
    assert result["linked"] == [{"kind": "DEVICE", "value": "dev-devi-new-tablet"}]
    found = await client.post(
        '{ customerByIdentifier(kind: DEVICE, value: "dev-devi-new-tablet") { email identities { kind value source } recentlyViewed(first: 1) { sku } } }',
        token=client.token(staff=True),
    )
    customer = found["data"]["customerByIdentifier"]
    assert customer["email"] == "devi@example.com"
    assert {"kind": "DEVICE", "value": "dev-devi-new-tablet", "source": "web"} in customer[
        "identities"
    ]
    assert customer["recentlyViewed"] == [{"sku": DEVI_SHOES_SKU}]


async def test_identifiers_of_two_customers_are_a_conflict_and_change_nothing(
    client: Client,
) -> None:
    event = {
        "id": "view-conflict-1",
        "type": "product_viewed",
        "occurredAt": _now(),
        "sku": DEVI_SHOES_SKU,
        "identifiers": [
            {"kind": "EMAIL", "value": "devi@example.com"},
            {"kind": "EMAIL", "value": "sam@example.com"},
            {"kind": "DEVICE", "value": "dev-shared-kiosk"},
        ],
    }
    body = _problem(await client.events(event, key=WEB_KEY), 409, "CONFLICT")
    assert body["errors"][0]["field"] == "identifiers"
    found = await client.post(
        '{ customerByIdentifier(kind: DEVICE, value: "dev-shared-kiosk") { id } }',
        token=client.token(staff=True),
    )
    assert found["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_customer_token_sends_its_own_events_but_no_sales(client: Client) -> None:
    token = client.token(SAM_ID)
    view = {"id": "sam-open-1", "type": "app_opened", "occurredAt": _now(), "channel": "MOBILE_APP"}
    response = await client.events(view, key=None, token=token)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["customerId"] == SAM_ID
    body = _problem(
        await client.events(
            {**view, "id": "sam-open-2", "customerId": DEVI_ID}, key=None, token=token
        ),
        403,
        "FORBIDDEN",
    )
    assert body["errors"][0]["field"] == "customerId"
    _problem(
        await client.events(_purchase("sam-pos", "LC-DEVI-0001"), key=None, token=token),
        403,
        "FORBIDDEN",
    )


async def test_strict_validation_names_the_field_and_writes_nothing(client: Client) -> None:
    good = {"id": "batch-good-1", "type": "app_opened", "occurredAt": _now()}
    cases = [
        ({"id": "x1", "type": "teleported", "occurredAt": _now()}, "type"),
        ({"id": "x2", "type": "app_opened", "occurredAt": "yesterday"}, "occurredAt"),
        ({"id": "x3", "type": "app_opened", "occurredAt": "2026-01-01T10:00:00"}, "occurredAt"),
        ({"id": "x4", "type": "app_opened", "occurredAt": _now(-60)}, "occurredAt"),
        ({"id": "x5", "type": "app_opened", "occurredAt": _now(), "colour": "red"}, "colour"),
        ({"id": "x6", "type": "product_viewed", "occurredAt": _now(), "sku": "SKU-NOPE"}, "sku"),
        (
            {"events": [good, {**good, "id": "b2", "occurredAt": "2026-13-01T00:00:00Z"}]},
            "events[1].occurredAt",
        ),
        ({"events": [good] * 101}, "events"),
        (
            _purchase(
                "x7",
                "LC-DEVI-0001",
                lines=[{"sku": DEVI_COFFEE_SKU, "quantity": 0, "unitPrice": 5}],
            ),
            "lines[0].quantity",
        ),
        (_purchase("x8", "LC-DEVI-0001", storeId="loc_warehouse"), "storeId"),
        (_purchase("x9", "LC-DEVI-0001", discount=10**6), "discount"),
        (
            {
                "id": "x10",
                "type": "app_opened",
                "occurredAt": _now(),
                "identifiers": [{"kind": "PHONE", "value": "call me"}],
            },
            "identifiers[0].value",
        ),
        (
            {"events": [good, {**good, "id": "b3", "customerId": DEVI_ID + "-nope"}]},
            "events[1].customerId",
        ),
    ]
    for payload, field in cases:
        body = _problem(await client.events(payload), 422, "BAD_USER_INPUT")
        assert field in [e["field"] for e in body["errors"]], (field, body)
    stored = await client.events(good)
    assert stored.json()["results"][0]["status"] == "accepted"  # the failed batch wrote nothing


async def test_transport_errors_are_problems(client: Client) -> None:
    good = {"id": "t1", "type": "app_opened", "occurredAt": _now()}
    _problem(await client.events(good, key=None), 401, "UNAUTHENTICATED")
    _problem(await client.events(good, key="wrong"), 401, "UNAUTHENTICATED")
    _problem(await client.http.get("/events"), 405, "METHOD_NOT_ALLOWED")
    response = await client.http.post(
        "/events", content=b"id=1", headers={"X-API-Key": WEB_KEY, "Content-Type": "text/plain"}
    )
    _problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    response = await client.http.post(
        "/events",
        content=b"{nope",
        headers={"X-API-Key": WEB_KEY, "Content-Type": "application/json"},
    )
    _problem(response, 400, "BAD_USER_INPUT")


async def test_same_id_with_other_content_is_a_conflict(client: Client) -> None:
    event = {"id": "dup-1", "type": "app_opened", "occurredAt": _now(5)}
    assert (await client.events(event, key=WEB_KEY)).status_code == 200
    _problem(await client.events({**event, "occurredAt": _now(1)}, key=WEB_KEY), 409, "CONFLICT")
    body = _problem(
        await client.events({**event, "channel": "STORE", "id": "dup-2"}, key=WEB_KEY),
        403,
        "FORBIDDEN",
    )
    assert body["errors"][0]["field"] == "channel"


async def test_concurrent_deliveries_of_one_sale_make_one_order(client: Client) -> None:
    before = await _orders(client, DEVI_ID)
    sale = _purchase("pos-devi-race", "LC-DEVI-0001")
    responses = await asyncio.gather(*(client.events(sale) for _ in range(4)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    order_ids = {r.json()["results"][0]["orderId"] for r in responses}
    assert len(order_ids) == 1
    assert (await _orders(client, DEVI_ID))["totalCount"] == before["totalCount"] + 1
