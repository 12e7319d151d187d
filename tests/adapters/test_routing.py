"""The hosted adapters plug into capability routing: each serves what it declares, the
gateway's native store the rest. Nothing here reaches a vendor: only the routes are read."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from commercegraph import bootstrap
from tests.conftest import settings_for

HOSTED_ENV = {
    "shopify": {
        "CG_SHOPIFY__SHOP_DOMAIN": "demo.myshopify.com",
        "CG_SHOPIFY__STOREFRONT_TOKEN": "sf",
        "CG_SHOPIFY__ADMIN_TOKEN": "admin",
    },
    "commercetools": {
        "CG_COMMERCETOOLS__PROJECT_KEY": "demo-project",
        "CG_COMMERCETOOLS__CLIENT_ID": "id",
        "CG_COMMERCETOOLS__CLIENT_SECRET": "secret",
    },
}
SERVED = {
    "shopify": {"commerce.catalog", "commerce.search", "commerce.carts"},
    "commercetools": {"commerce.catalog", "commerce.search", "commerce.carts", "commerce.orders"},
}


@pytest.mark.parametrize("vendor", ["shopify", "commercetools"])
def test_vendor_capabilities_route_to_the_vendor_and_the_rest_to_the_store(
    vendor: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in HOSTED_ENV[vendor].items():
        monkeypatch.setenv(name, value)
    settings = settings_for(
        f"sqlite+aiosqlite:///{tmp_path / 'routes.db'}",
        adapters={"commerce": vendor, "pricing": vendor, "inventory": vendor},
    )
    container = bootstrap.compose(settings)
    try:
        routes = container.registry.routes
        commerce = {c for c, name in routes["commerce"].items() if name == vendor}
        assert commerce == SERVED[vendor]
        assert routes["commerce"]["gateway.bundles"] == "native"
        if vendor == "shopify":
            assert routes["commerce"]["commerce.orders"] == "native"  # checkout stays ours
        assert routes["pricing"]["pricing.prices"] == vendor
        assert routes["pricing"]["gateway.rules"] == "native"
        assert routes["inventory"]["inventory.stock"] == vendor
        assert routes["inventory"]["inventory.locations"] == vendor
        assert routes["inventory"]["inventory.reservations"] == "native"
    finally:
        asyncio.run(container.aclose())
