"""A Medusa server killed mid-run, seen through the gateway's GraphQL API: the fields Medusa
serves (prices, stock) come back null with the backend's code, while the fields the native
store serves (the catalogue, content, loyalty) still answer, in the same request."""

from __future__ import annotations

import pytest

from commercegraph.adapters.medusa import harness
from tests.conftest import SeededDatabase
from tests.vendors.medusa.conftest import start_or_skip
from tests.vendors.outage import assert_only_lost, kill_between_requests

pytestmark = pytest.mark.vendor


async def test_a_killed_medusa_nulls_only_the_fields_it_serves(
    sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = start_or_skip()  # its own server: the session's stays up for the other tests
    env = {
        **harness.settings_env(started),
        **{f"CG_ADAPTERS__{domain}": "medusa" for domain in ("COMMERCE", "PRICING", "INVENTORY")},
        # the catalogue stays native, so the product (and its content) outlives Medusa
        "CG_CAPABILITIES": '{"commerce.catalog": "native"}',
        "CG_MEDUSA__CONNECT_TIMEOUT_MS": "3000",
    }
    try:
        answers = await kill_between_requests(
            sqlite_db, monkeypatch, env, lambda: harness.kill(started)
        )
    finally:
        harness.stop(started)
    assert answers.routes["commerce"]["commerce.catalog"] == "native"
    assert answers.routes["pricing"]["pricing.prices"] == "medusa"
    assert answers.routes["inventory"]["inventory.stock"] == "medusa"
    # a price's rules read the stock too: either of Medusa's two domains may fail it first
    assert_only_lost(answers, {"priced": {"pricing", "inventory"}, "stocked": {"inventory"}})
