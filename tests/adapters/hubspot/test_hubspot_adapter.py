"""The hubspot adapter's reads against recorded HubSpot API answers.

The hosted API cannot be reached from here, so every answer is a recording written from
HubSpot's public API reference (``recorded/README.md`` names the page each mirrors),
replayed through ``httpx.MockTransport``. ``test_live_profiles`` runs against a real
account when credentials are given (see ``conftest.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from commercegraph.adapters.base import ConsentRecord
from commercegraph.adapters.hubspot import HubSpotAdapter, HubSpotClient
from commercegraph.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadUserInput,
    Conflict,
)
from tests.adapters.hubspot.conftest import FakeClock, Replay, adapter_for, answer


async def test_customers_by_id_in_key_order_with_none_where_missing(
    replay: Replay, clock: FakeClock
) -> None:
    adapter = adapter_for(replay, clock)
    found = await adapter.customers_by_id(["cus_missing", "cus_devi", "cus_ana", "cus_devi"])

    assert found[0] is None
    devi, ana = found[1], found[2]
    assert devi is not None and ana is not None
    assert found[3] == devi
    assert devi.id == "cus_devi"
    assert devi.display_name == "Devi Rao"
    assert devi.email == "devi@example.com"
    assert devi.customer_group == "VIP"
    assert devi.home_store_id == "loc_downtown"
    assert devi.created_at == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    # no name and no group in HubSpot: the email and the default group
    assert ana.display_name == "ana@example.com"
    assert ana.customer_group == "RETAIL"
    (body,) = replay.bodies("/batch/read")
    assert [i["id"] for i in body["inputs"]] == ["cus_missing", "cus_devi", "cus_ana"]
    _, request = replay.requests[0]
    assert request.headers["Authorization"] == "Bearer pat-na1-recorded"
    await adapter.aclose()


async def test_batch_reads_go_100_ids_a_request(replay: Replay, clock: FakeClock) -> None:
    adapter = adapter_for(replay, clock)
    ids = [f"cus_{n:04d}" for n in range(250)] + ["cus_devi"]
    found = await adapter.customers_by_id(ids)

    assert sum(r is not None for r in found) == 1 and found[-1] is not None
    assert [len(b["inputs"]) for b in replay.bodies("/batch/read")] == [100, 100, 51]


async def test_a_404_on_a_batch_read_is_none(replay: Replay, clock: FakeClock) -> None:
    replay.override = lambda _: answer("error_404_object_not_found.json", 404)
    adapter = adapter_for(replay, clock)
    assert await adapter.customers_by_id(["cus_devi", "cus_ana"]) == [None, None]
    assert await adapter.resolve_identifiers([("EMAIL", "devi@example.com")]) == [None]


async def test_resolve_identifiers_by_email_across_pages_and_by_phone(
    replay: Replay, clock: FakeClock
) -> None:
    adapter = adapter_for(replay, clock)
    found = await adapter.resolve_identifiers(
        [
            ("EMAIL", "ana@example.com"),
            ("EMAIL", "lead@example.com"),  # a contact the gateway never wrote: not ours
            ("PHONE", "+15035550142"),
            ("LOYALTY_CARD", "LC-1"),
            ("EMAIL", "Devi@Example.com"),
            ("EMAIL", "nobody@example.com"),
        ]
    )
    assert found == ["cus_ana", None, "cus_ana", None, "cus_devi", None]

    email_pages = [
        b
        for b in replay.bodies("/search")
        if b["filterGroups"][0]["filters"][0]["propertyName"] == "email"
    ]
    assert [b.get("after") for b in email_pages] == [None, "2"]
    first = email_pages[0]["filterGroups"][0]["filters"][0]
    assert first["operator"] == "IN"
    assert first["values"] == [
        "ana@example.com",
        "lead@example.com",
        "devi@example.com",
        "nobody@example.com",
    ]
    (phone,) = [b for b in replay.bodies("/search") if b not in email_pages]
    assert [g["filters"][0]["propertyName"] for g in phone["filterGroups"]] == [
        "phone",
        "mobilephone",
    ]


async def test_consent_from_subscription_statuses_and_contact_properties(
    replay: Replay, clock: FakeClock
) -> None:
    adapter = adapter_for(replay, clock)
    found = await adapter.consents(["cus_devi", "cus_missing", "cus_ana"])

    assert found == [
        ConsentRecord(marketing_email=True, marketing_sms=True, personalization=True),
        None,
        # a one-to-one subscription is not marketing once marketing types are named below;
        # without names any subscribed type counts
        ConsentRecord(marketing_email=True, marketing_sms=False, personalization=False),
    ]
    (statuses,) = replay.bodies("/statuses/batch/read")
    assert statuses == {"inputs": ["ana@example.com", "devi@example.com"]}

    named = adapter_for(Replay(clock), clock, marketing_subscription_ids=["9001"])
    devi, _, ana = await named.consents(["cus_devi", "cus_missing", "cus_ana"])
    assert devi is not None and devi.marketing_email
    assert ana is not None and not ana.marketing_email


@pytest.mark.parametrize(
    ("status", "recording", "error", "counts"),
    [
        (400, "error_400_validation.json", BadUserInput, False),
        (409, "error_409_conflict.json", Conflict, False),
        (401, "error_401_invalid_authentication.json", BackendUnavailable, True),
        (500, "error_500_internal.json", BackendUnavailable, True),
        (502, "error_500_internal.json", BackendUnavailable, True),
    ],
)
async def test_each_error_kind_is_mapped(
    replay: Replay,
    clock: FakeClock,
    status: int,
    recording: str,
    error: type[Exception],
    counts: bool,
) -> None:
    replay.override = lambda _: answer(recording, status)
    adapter = adapter_for(replay, clock)

    with pytest.raises(error) as raised:
        await adapter.resolve_identifiers([("EMAIL", "devi@example.com")])
    assert isinstance(raised.value, BackendError) is counts
    extensions: dict[str, Any] = raised.value.extensions  # type: ignore[attr-defined]
    assert extensions["vendor_status"] == status
    assert extensions["correlation_id"]


async def test_a_timeout_is_a_backend_timeout(clock: FakeClock) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with pytest.raises(BackendTimeout):
        await adapter_for(slow, clock).customers_by_id(["cus_devi"])


async def test_empty_batches_send_nothing(replay: Replay, clock: FakeClock) -> None:
    adapter = adapter_for(replay, clock)
    assert await adapter.customers_by_id([]) == []
    assert await adapter.resolve_identifiers([]) == []
    assert await adapter.consents([]) == []
    assert await adapter.write_back([]) == 0
    assert replay.requests == []


async def test_live_profiles(hubspot_live: Any) -> None:
    adapter = HubSpotAdapter(HubSpotClient(hubspot_live), hubspot_live)
    try:
        found = await adapter.customers_by_id(["__cg_live_missing__"])
        assert found == [None]
    finally:
        await adapter.aclose()
