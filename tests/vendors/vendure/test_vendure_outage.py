"""A Vendure killed mid-run, seen through the gateway's GraphQL API: the fields Vendure
serves (prices, stock) come back null with the backend's code, while the fields the native
store serves (the catalogue, content, loyalty) still answer, in the same request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.vendure import harness as vendure_harness
from commercegraph.app import create_app
from commercegraph.demo import DEVI_ID
from commercegraph.demo.constants import DEVI_COFFEE_SKU
from tests.conftest import GraphQLClient, SeededDatabase, settings_for
from tests.vendors.vendure.conftest import _require_node

pytestmark = pytest.mark.vendor

# each alias resolves on its own, so one backend's failure nulls only its alias
QUERY = """
query ($sku: String!) {
  described: product(sku: $sku) { sku name content { title } }
  priced: product(sku: $sku) { price { final { amount currency } } }
  stocked: product(sku: $sku) { availability { online { availableToPromise } } }
  me { displayName loyalty { points } }
}
"""
OUTAGE_CODES = {"BACKEND_UNAVAILABLE", "BACKEND_TIMEOUT", "CIRCUIT_OPEN"}


async def test_a_killed_vendure_nulls_only_the_fields_it_serves(
    sqlite_db: SeededDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require_node()
    started = vendure_harness.start(data=tmp_path / "vendure")  # its own: the session's stays up
    app = None
    try:
        for key, value in vendure_harness.settings_env(started).items():
            monkeypatch.setenv(key, value)
        # the catalogue stays native, so the product (and its content) outlives Vendure
        monkeypatch.setenv("CG_CAPABILITIES", '{"commerce.catalog": "native"}')
        # a refused connection fails at once; generous budgets keep a busy machine's stalled
        # event loop from turning that refusal into a timeout
        monkeypatch.setenv("CG_VENDURE__CONNECT_TIMEOUT_MS", "3000")
        for domain in ("COMMERCE", "PRICING", "INVENTORY"):
            monkeypatch.setenv(f"CG_RESILIENCE__{domain}__TIMEOUT_MS", "15000")
        settings = settings_for(sqlite_db.url, cache_ttl_seconds=0)
        app = create_app(settings)
        routes = app.state.registry.routes
        assert routes["commerce"]["commerce.catalog"] == "native"
        assert routes["pricing"]["pricing.prices"] == "vendure"
        assert routes["inventory"]["inventory.stock"] == "vendure"
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            client = GraphQLClient(http, settings)
            token = client.token(DEVI_ID)
            variables = {"sku": DEVI_COFFEE_SKU}
            before = await client.post(QUERY, variables, token=token)
            assert "errors" not in before, before
            assert before["data"]["priced"]["price"]["final"]["amount"] > 0
            assert before["data"]["stocked"]["availability"]["online"]["availableToPromise"] > 0
            assert before["data"]["described"]["content"] is not None
            assert before["data"]["me"]["loyalty"]["points"] > 0

            harness.kill(started.pid)
            after = await client.post(QUERY, variables, token=token)
    finally:
        harness.stop(started.pid)
        if app is not None:
            await app.state.registry.aclose()
            await app.state.store.dispose()

    data = after["data"]
    assert data["described"] == before["data"]["described"]
    assert data["me"] == before["data"]["me"]
    assert data["priced"] is None
    assert data["stocked"] is None
    failed = {error["path"][0]: error["extensions"] for error in after["errors"]}
    assert set(failed) == {"priced", "stocked"}, after["errors"]
    assert failed["priced"]["code"] in OUTAGE_CODES
    # a price's rules read the stock too: either of Vendure's two domains may fail it first
    assert failed["priced"]["backend"] in {"pricing", "inventory"}
    assert failed["stocked"]["code"] in OUTAGE_CODES
    assert failed["stocked"]["backend"] == "inventory"
