"""A geofence_entered event through POST /events records the offers the app then fetches."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID
from commercegraph.store import models as m
from tests.conftest import SeededDatabase
from tests.customer360.conftest import Client, client, fresh_db
from tests.factories import store_for

__all__ = ["client", "fresh_db"]

OFFERS = """{ me { offers(context: { channel: MOBILE_APP, near: { lat: 45.5190, lon: -122.6790 } }) {
    id kind product { sku } store { name } } } }"""


async def test_geofence_at_downtown_records_the_in_store_offer(
    client: Client, fresh_db: SeededDatabase
) -> None:
    event = {
        "id": "geo-devi-1",
        "type": "geofence_entered",
        "occurredAt": datetime.now(UTC).isoformat(),
        "channel": "MOBILE_APP",
        "storeId": DOWNTOWN_ID,
        "identifiers": [{"kind": "DEVICE", "value": "dev-devi-iphone"}],
    }
    token = client.token(DEVI_ID)
    response = await client.events(event, key=None, token=token)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "accepted" and result["customerId"] == DEVI_ID

    store = store_for(fresh_db.url)
    try:
        async with store.read() as session:
            stored = await session.get(m.Event, (f"customer:{DEVI_ID}", "geo-devi-1"))
    finally:
        await store.dispose()
    assert stored is not None
    recorded = set(stored.payload["offerIds"])
    assert recorded, "the geofence recorded offers"

    body = await client.post(OFFERS, token=token)
    offers = body["data"]["me"]["offers"]
    in_store = [o for o in offers if o["kind"] == "AVAILABLE_IN_STORE"]
    assert in_store and in_store[0]["product"]["sku"] == DEVI_SHOES_SKU
    assert in_store[0]["id"] in recorded, "the app fetches the offer the geofence recorded"

    again = await client.events({**event, "id": "geo-devi-2"}, key=None, token=token)
    assert again.status_code == 200
    store = store_for(fresh_db.url)
    try:
        async with store.read() as session:
            second = await session.scalar(select(m.Event.payload).where(m.Event.id == "geo-devi-2"))
    finally:
        await store.dispose()
    assert second is not None
    assert set(second["offerIds"]) == recorded, "within its cap the same offer is not issued again"
