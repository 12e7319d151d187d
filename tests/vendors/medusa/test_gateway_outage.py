"""A Medusa server killed mid-run, seen through the gateway's GraphQL API: the fields Medusa
serves (prices, stock) come back null with the backend's code, while the fields the native
store serves (the catalogue, content, loyalty) still answer, in the same request."""

from __future__ import annotations

import httpx
import pytest

from commercegraph.adapters.medusa import harness
from commercegraph.app import create_app
from commercegraph.demo import DEVI_ID
from commercegraph.demo.constants import DEVI_COFFEE_SKU
from tests.conftest import GraphQLClient, SeededDatabase, settings_for
from tests.vendors.medusa.conftest import start_or_skip

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


async def test_a_killed_medusa_nulls_only_the_fields_it_serves(
    sqlite_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = start_or_skip()  # its own server: the session's stays up for the other tests
    app = None
    try:
        for key, value in harness.settings_env(started).items():
            monkeypatch.setenv(key, value)
        for domain in ("COMMERCE", "PRICING", "INVENTORY"):
            monkeypatch.setenv(f"CG_ADAPTERS__{domain}", "medusa")
            # the first Admin API call logs in, and Medusa hashes passwords slowly on purpose
            monkeypatch.setenv(f"CG_RESILIENCE__{domain}__TIMEOUT_MS", "15000")
        # the catalogue stays native, so the product (and its content) outlives Medusa
        monkeypatch.setenv("CG_CAPABILITIES", '{"commerce.catalog": "native"}')
        monkeypatch.setenv("CG_MEDUSA__CONNECT_TIMEOUT_MS", "3000")
        settings = settings_for(sqlite_db.url, cache_ttl_seconds=0)
        app = create_app(settings)
        routes = app.state.registry.routes
        assert routes["commerce"]["commerce.catalog"] == "native"
        assert routes["pricing"]["pricing.prices"] == "medusa"
        assert routes["inventory"]["inventory.stock"] == "medusa"
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

            harness.kill(started)
            after = await client.post(QUERY, variables, token=token)
    finally:
        harness.stop(started)
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
    # a price's rules read the stock too: either of Medusa's two domains may fail it first
    assert failed["priced"]["backend"] in {"pricing", "inventory"}
    assert failed["stocked"]["code"] in OUTAGE_CODES
    assert failed["stocked"]["backend"] == "inventory"
