"""The gateway with ``CG_ADAPTERS__COMMERCE=vendure``: the catalogue comes from a real Vendure,
the capabilities Vendure does not declare stay with the native store."""

from __future__ import annotations

import httpx
import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.vendure import harness as vendure_harness
from commercegraph.app import create_app
from tests.conftest import GraphQLClient, SeededDatabase, settings_for

pytestmark = pytest.mark.vendor

TEE = """
query { product(sku: "SKU-VND-TEE-M") {
  sku name handle variants { sku options { name value } } } }
"""
BACKENDS = "{ backends { domain adapter capabilities } }"


async def test_products_seeded_only_in_vendure_come_through_the_graph(
    vendure: harness.Started, seeded_db: SeededDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in vendure_harness.settings_env(vendure).items():
        if key.startswith("CG_VENDURE__"):
            monkeypatch.setenv(key, value)
    settings = settings_for(seeded_db.url, adapters={"commerce": "vendure"}, cache_ttl_seconds=0)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            client = GraphQLClient(http, settings)
            body = await client.post(TEE)
            backends = await client.post(BACKENDS, token=client.token(staff=True))
    finally:
        await app.state.registry.aclose()
        await app.state.store.dispose()
    assert body.get("errors") is None, body
    assert body["data"]["product"] == {
        "sku": "SKU-VND-TEE-S",
        "name": "Trail Tee",
        "handle": "trail-tee",
        "variants": [
            {"sku": "SKU-VND-TEE-S", "options": [{"name": "size", "value": "S"}]},
            {"sku": "SKU-VND-TEE-M", "options": [{"name": "size", "value": "M"}]},
            {"sku": "SKU-VND-TEE-L", "options": [{"name": "size", "value": "L"}]},
        ],
    }
    commerce = {
        entry["adapter"]: set(entry["capabilities"])
        for entry in backends["data"]["backends"]
        if entry["domain"] == "COMMERCE"
    }
    assert commerce["vendure"] == {
        "commerce.catalog",
        "commerce.search",
        "commerce.carts",
        "commerce.orders",
    }
    assert "gateway.bundles" in commerce["native"]
