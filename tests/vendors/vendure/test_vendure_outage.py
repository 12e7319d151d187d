"""A Vendure killed mid-run, seen through the gateway's GraphQL API: the fields Vendure
serves (prices, stock) come back null with the backend's code, while the fields the native
store serves (the catalogue, content, loyalty) still answer, in the same request."""

from __future__ import annotations

from pathlib import Path

import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.vendure import harness as vendure_harness
from tests.conftest import SeededDatabase
from tests.vendors.outage import assert_only_lost, kill_between_requests
from tests.vendors.vendure.conftest import _require_node

pytestmark = pytest.mark.vendor


async def test_a_killed_vendure_nulls_only_the_fields_it_serves(
    sqlite_db: SeededDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require_node()
    started = vendure_harness.start(data=tmp_path / "vendure")  # its own: the session's stays up
    env = {
        **vendure_harness.settings_env(started),
        # the catalogue stays native, so the product (and its content) outlives Vendure
        "CG_CAPABILITIES": '{"commerce.catalog": "native"}',
        "CG_VENDURE__CONNECT_TIMEOUT_MS": "3000",
    }
    try:
        answers = await kill_between_requests(
            sqlite_db, monkeypatch, env, lambda: harness.kill(started.pid)
        )
    finally:
        harness.stop(started.pid)
    assert answers.routes["commerce"]["commerce.catalog"] == "native"
    assert answers.routes["pricing"]["pricing.prices"] == "vendure"
    assert answers.routes["inventory"]["inventory.stock"] == "vendure"
    # a price's rules read the stock too: either of Vendure's two domains may fail it first
    assert_only_lost(answers, {"priced": {"pricing", "inventory"}, "stocked": {"inventory"}})
