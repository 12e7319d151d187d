"""A re-sent event is a duplicate only when its whole content matches what was stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_SHOES_SKU, DOWNTOWN_ID
from tests.customer360.conftest import WEB_KEY, Client
from tests.customer360.test_events import _problem


def _at(minutes: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes)


async def test_same_id_type_and_time_with_other_fields_is_a_conflict(client: Client) -> None:
    at = _at(3)
    viewed = {
        "id": "hash-1",
        "type": "product_viewed",
        "occurredAt": at.isoformat().replace("+00:00", "Z"),
        "sku": DEVI_SHOES_SKU,
    }
    first = await client.events(viewed, key=WEB_KEY)
    assert first.status_code == 200 and first.json()["results"][0]["status"] == "accepted"
    other = {**viewed, "sku": DEVI_COFFEE_SKU}
    body = _problem(await client.events(other, key=WEB_KEY), 409, "CONFLICT")
    assert body["errors"][0]["field"] == "id"
    # the same content, written another way (the instant in another offset, the channel the
    # key implies spelled out, keys reordered), is still the same event
    same = {
        "sku": DEVI_SHOES_SKU,
        "channel": "WEB",
        "occurredAt": at.astimezone(timezone(timedelta(hours=2))).isoformat(),
        "type": "product_viewed",
        "id": "hash-1",
    }
    again = await client.events(same, key=WEB_KEY)
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "duplicate"


async def test_a_pos_sale_resent_with_other_lines_is_refused_and_changes_nothing(
    client: Client,
) -> None:
    sale = {
        "id": "hash-sale-1",
        "type": "pos_purchase",
        "occurredAt": _at(2).isoformat(),
        "storeId": DOWNTOWN_ID,
        "currency": "USD",
        "identifiers": [{"kind": "LOYALTY_CARD", "value": "lc-devi-0001"}],
        "lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 1, "unitPrice": 1299}],
    }
    first = await client.events(sale)
    assert first.status_code == 200, first.text
    order_id = first.json()["results"][0]["orderId"]
    changed = {**sale, "lines": [{"sku": DEVI_COFFEE_SKU, "quantity": 5, "unitPrice": 1299}]}
    _problem(await client.events(changed), 409, "CONFLICT")
    again = await client.events(sale)
    (result,) = again.json()["results"]
    assert result["status"] == "duplicate" and result["orderId"] == order_id
