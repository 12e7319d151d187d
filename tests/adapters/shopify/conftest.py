"""The Shopify adapters over a recording (default) or the shop named in the environment."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.shopify import (
    ShopifyClient,
    ShopifyCommerce,
    ShopifyInventory,
    ShopifyPricing,
    ShopifySettings,
)
from tests.adapters.recordings import Recording, load

HERE = Path(__file__).parent
LIVE_ENV = ("CG_SHOPIFY__SHOP_DOMAIN", "CG_SHOPIFY__STOREFRONT_TOKEN", "CG_SHOPIFY__ADMIN_TOKEN")


@dataclass(frozen=True)
class Known:
    """Keys the backend under test holds (the recordings' or the live shop's)."""

    product_id: str = "gid://shopify/Product/8001"
    sku: str = "SKU-RUN-0001"
    search: str = "running"
    location_id: str = "gid://shopify/Location/102"


@dataclass
class Shop:
    client: ShopifyClient
    commerce: ShopifyCommerce
    pricing: ShopifyPricing
    inventory: ShopifyInventory
    known: Known
    recording: Recording | None
    clock: FakeClock | None


def recorded_settings() -> ShopifySettings:
    return ShopifySettings(
        shop_domain="commercegraph-demo.myshopify.com",
        storefront_token="storefront-token",
        admin_token="admin-token",
    )


@pytest.fixture
async def shop(request: pytest.FixtureRequest, live: bool) -> AsyncIterator[Shop]:
    recording: Recording | None = None
    clock: FakeClock | None = None
    if live:
        missing = [name for name in LIVE_ENV if not os.environ.get(name)]
        if missing:
            pytest.skip(f"--live needs {', '.join(missing)} for the Shopify tests")
        settings = ShopifySettings(_env_prefix="CG_SHOPIFY__", _env_nested_delimiter="__")  # type: ignore[call-arg]
        client = ShopifyClient(settings)
        known = Known(
            product_id=os.environ.get("CG_LIVE_SHOPIFY_PRODUCT_ID", Known.product_id),
            sku=os.environ.get("CG_LIVE_SHOPIFY_SKU", Known.sku),
            search=os.environ.get("CG_LIVE_SHOPIFY_SEARCH", Known.search),
            location_id=os.environ.get("CG_LIVE_SHOPIFY_LOCATION_ID", Known.location_id),
        )
    else:
        marker = request.node.get_closest_marker("recording")
        assert marker is not None, "a recorded Shopify test names its recording"
        recording = load(HERE, marker.args[0])
        clock = FakeClock()
        client = ShopifyClient(recorded_settings(), transport=recording.transport(), clock=clock)
        known = Known()
    yield Shop(
        client,
        ShopifyCommerce(client),
        ShopifyPricing(client),
        ShopifyInventory(client),
        known,
        recording,
        clock,
    )
    await client.aclose()


def graphql_body(request: httpx.Request) -> dict[str, object]:
    import json

    body = json.loads(request.content)
    assert isinstance(body, dict)
    return body
