"""wifi_login and beacon_detected through POST /events: the sign-in answers the shopper's
points, and both record the same in-store offers a geofence does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU, DOWNTOWN_ID
from tests.conftest import SeededDatabase
from tests.customer360.conftest import Client, client, fresh_db

__all__ = ["client", "fresh_db"]

OFFERS = """{ me { loyalty { points } offers(context: { channel: MOBILE_APP,
    near: { lat: 45.5190, lon: -122.6790 } }) { id kind product { sku } } } }"""


def _event(kind: str, event_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": kind,
        "occurredAt": datetime.now(UTC).isoformat(),
        "storeId": DOWNTOWN_ID,
        **fields,
    }


async def test_wifi_login_answers_points_and_records_the_store_offers(
    client: Client, fresh_db: SeededDatabase
) -> None:
    token = client.token(DEVI_ID)
    mine = (await client.post(OFFERS, token=token))["data"]["me"]
    login = _event(
        "wifi_login",
        "wifi-devi-1",
        channel="STORE",
        zone="entrance",
        identifiers=[{"kind": "LOYALTY_CARD", "value": "LC-DEVI-0001"}],
    )
    response = await client.events(login)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "accepted" and result["customerId"] == DEVI_ID
    welcome = result["welcome"]
    assert welcome["points"] == mine["loyalty"]["points"]
    assert welcome["storeId"] == DOWNTOWN_ID and welcome["zone"] == "entrance"
    assert welcome["offerIds"], "signing in records the store's offers"

    offers = (await client.post(OFFERS, token=token))["data"]["me"]["offers"]
    in_store = [o for o in offers if o["kind"] == "AVAILABLE_IN_STORE"]
    assert in_store and in_store[0]["product"]["sku"] == DEVI_SHOES_SKU
    assert in_store[0]["id"] in welcome["offerIds"]

    again = await client.events(login)
    (repeat,) = again.json()["results"]
    assert repeat["status"] == "duplicate" and repeat["welcome"] == welcome


async def test_beacon_from_the_app_triggers_the_same_offer(
    client: Client, fresh_db: SeededDatabase
) -> None:
    token = client.token(DEVI_ID)
    beacon = _event("beacon_detected", "beacon-devi-1", channel="MOBILE_APP", zone="shoes")
    response = await client.events(beacon, key=None, token=token)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["customerId"] == DEVI_ID and result["welcome"]["zone"] == "shoes"
    offers = (await client.post(OFFERS, token=token))["data"]["me"]["offers"]
    in_store = {o["id"] for o in offers if o["kind"] == "AVAILABLE_IN_STORE"}
    assert in_store & set(result["welcome"]["offerIds"])


async def test_presence_at_an_unknown_store_or_without_zone_is_refused(client: Client) -> None:
    unknown = await client.events(_event("wifi_login", "wifi-x", storeId="loc_nowhere"))
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"][0]["field"] == "storeId"
    no_zone = await client.events(_event("beacon_detected", "beacon-x"))
    assert no_zone.status_code == 422 and "zone" in no_zone.text


async def test_anonymous_wifi_login_is_stored_without_a_welcome(client: Client) -> None:
    response = await client.events(_event("wifi_login", "wifi-anon-1", channel="STORE"))
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["customerId"] is None and "welcome" not in result
