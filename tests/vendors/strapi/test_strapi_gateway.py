"""The gateway with ``CG_ADAPTERS__CONTENT=strapi`` (or ``CG_CAPABILITIES`` routing
``content.entries`` to it): a product's content comes from a real Strapi, everything else
about it from the native store."""

from __future__ import annotations

import uuid

import httpx
import pytest

from commercegraph.adapters import harness
from commercegraph.config import AdapterChoice
from tests.conftest import SeededDatabase, settings_for
from tests.gateway.conftest import gateway

pytestmark = pytest.mark.vendor

SKU = "SKU-EAR-0003"


async def test_product_content_comes_from_strapi(
    sqlite_db: SeededDatabase,
    strapi_server: harness.Started,
    strapi_token: str,
    strapi_admin: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed = await strapi_admin.get(
        "/product-contents", params={"filters[productSku][$eq]": SKU, "locale": "de-DE"}
    )
    (entry,) = listed.json()["data"]
    marker = f"Nur in Strapi {uuid.uuid4().hex[:8]}"
    updated = await strapi_admin.put(
        f"/product-contents/{entry['documentId']}",
        params={"locale": "de-DE"},
        json={"data": {"title": marker}},
    )
    assert updated.status_code == 200, updated.text
    monkeypatch.setenv("CG_STRAPI__URL", strapi_server.url)
    monkeypatch.setenv("CG_STRAPI__TOKEN", strapi_token)
    query = """query($sku: String!) { product(sku: $sku) {
        sku name price { final { amount currency } }
        de: content(locale: "de-DE") { title body }
        en: content(locale: "en-US") { title } } }"""
    native_settings = settings_for(sqlite_db.url, cache_ttl_seconds=0)
    by_domain = settings_for(
        sqlite_db.url, cache_ttl_seconds=0, adapters=AdapterChoice(content="strapi")
    )
    by_capability = settings_for(
        sqlite_db.url, cache_ttl_seconds=0, capabilities={"content.entries": "strapi"}
    )
    async with gateway(native_settings) as client:
        natively = await client.post(query, {"sku": SKU})
    native = natively["data"]["product"]

    for settings in (by_domain, by_capability):
        async with gateway(settings) as client:
            body = await client.post(query, {"sku": SKU})
            routes = client.app.state.registry.routes  # type: ignore[attr-defined]
        assert routes["content"] == {"content.entries": "strapi"}
        assert routes["commerce"]["commerce.catalog"] == "native"
        assert "errors" not in body, body["errors"]
        product = body["data"]["product"]
        assert product["de"]["title"] == marker != native["de"]["title"]
        assert product["de"]["body"] == native["de"]["body"]
        assert product["en"] == native["en"]
        assert {k: product[k] for k in ("sku", "name", "price")} == {
            k: native[k] for k in ("sku", "name", "price")
        }
