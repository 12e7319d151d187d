"""The contract kit over the contentful adapter, on recorded Content Delivery API answers.

The hosted API cannot be reached from here: every answer is a recording written from
Contentful's public reference (``recorded/README.md`` names the page each mirrors),
replayed through ``httpx.MockTransport`` by the folder's ``Replay`` (by locale and
``skip``). The recordings hold the kit's sku, SKU-RUN-0001, in en-US. The error checks run
an adapter built through the registry against the kit's fault server on 127.0.0.1 (404,
5xx, dropped and slow answers).
"""

from __future__ import annotations

import dataclasses

import httpx

from commercegraph.adapters.contentful import ContentfulAdapter, ContentfulClient
from commercegraph.contract import ContractFixture, Subject, checks_for
from commercegraph.contract.kit import violations
from tests.adapters.contentful.conftest import Replay, settings
from tests.adapters.kit_faults import point_at

FIXTURE = dataclasses.replace(
    ContractFixture(),
    fault_env=lambda url: {
        "CG_CONTENTFUL__SPACE_ID": "spc1demo",
        "CG_CONTENTFUL__DELIVERY_TOKEN": "cda-token-fault",
        "CG_CONTENTFUL__BASE_URL": url,
        "CG_CONTENTFUL__TIMEOUT_MS": "300",
    },
)
PAGED = {("en-US", 0): "entries_en-US_page1.json", ("en-US", 2): "entries_en-US_page2.json"}


async def test_the_adapter_passes_the_kit() -> None:
    replay = Replay(PAGED)
    own = settings()
    adapter = ContentfulAdapter(ContentfulClient(own, transport=httpx.MockTransport(replay)), own)
    subject = Subject("contentful", "content", adapter, FIXTURE, point_at("contentful", "content"))
    try:
        assert [c.id for c in checks_for(subject)] == [
            "content.entries:reads",
            "content.entries:errors",
        ]
        assert await violations(subject) == {}
        asked = {r.url.params.get("fields.sku[in]") for r in replay.entry_requests()}
        assert asked == {"__contract_missing__,SKU-RUN-0001", "SKU-RUN-0001"}
    finally:
        await adapter.aclose()
