"""The contract kit over the hubspot adapter, on recorded HubSpot API answers.

The hosted API cannot be reached from here: every answer is a recording written from
HubSpot's public API reference (``recorded/README.md`` names the page each mirrors),
replayed through ``httpx.MockTransport`` by the folder's ``Replay``. The recordings hold
the kit's customer, cus_devi / devi@example.com. The kit has no read or write check of its
own for ``customer.write_back`` (``test_hubspot_write_back.py`` covers it). The error
checks run an adapter built through the registry against the kit's fault server on
127.0.0.1 (404, 409, 400, 5xx, dropped and slow answers).
"""

from __future__ import annotations

import dataclasses

from commercegraph.contract import ContractFixture, Subject, checks_for
from commercegraph.contract.kit import violations
from tests.adapters.hubspot.conftest import FakeClock, Replay, adapter_for
from tests.adapters.kit_faults import point_at

FIXTURE = dataclasses.replace(
    ContractFixture(),
    fault_env=lambda url: {
        "CG_HUBSPOT__TOKEN": "pat-na1-fault",
        "CG_HUBSPOT__BASE_URL": url,
        "CG_HUBSPOT__TIMEOUT_MS": "300",
    },
)


async def test_the_adapter_passes_the_kit(replay: Replay, clock: FakeClock) -> None:
    adapter = adapter_for(replay, clock)
    subject = Subject("hubspot", "customer", adapter, FIXTURE, point_at("hubspot", "customer"))
    try:
        assert [c.id for c in checks_for(subject)] == [
            "customer.profiles:reads",
            "customer.profiles:errors",
            "customer.consent:reads",
            "customer.consent:errors",
            "customer.write_back:errors",
        ]
        assert await violations(subject) == {}
        read = {i["id"] for body in replay.bodies("/contacts/batch/read") for i in body["inputs"]}
        assert read == {"__contract_missing__", "cus_devi"}
    finally:
        await adapter.aclose()
