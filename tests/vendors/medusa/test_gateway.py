"""The gateway's GraphQL API with Medusa serving the capabilities it declares in commerce,
inventory and pricing; the native store serves the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from commercegraph.adapters.medusa import harness
from commercegraph.app import create_app
from commercegraph.config import AdapterChoice
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.constants import DEVI_COFFEE_SKU, DEVI_SHOES_SKU
from commercegraph.gateway.settings import BackendPolicy, ResilienceSettings
from tests.conftest import GraphQLClient, SeededDatabase, settings_for

pytestmark = pytest.mark.vendor

SLOW_LOOPBACK = BackendPolicy(timeout_ms=15_000, write_timeout_ms=30_000)


@pytest.fixture
async def medusa_gql(
    sqlite_db: SeededDatabase,
    medusa_server: harness.MedusaStarted,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[GraphQLClient]:
    for key, value in harness.settings_env(medusa_server).items():
        monkeypatch.setenv(key, value)
    settings = settings_for(
        sqlite_db.url,
        adapters=AdapterChoice(commerce="medusa", inventory="medusa", pricing="medusa"),
        # the first Admin API call logs in, and Medusa hashes passwords slowly on purpose
        resilience=ResilienceSettings(
            commerce=SLOW_LOOPBACK, inventory=SLOW_LOOPBACK, pricing=SLOW_LOOPBACK
        ),
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.registry.aclose()  # the lifespan does not run under ASGITransport
    await app.state.store.dispose()


async def test_products_come_from_medusa_through_the_gateway(medusa_gql: GraphQLClient) -> None:
    # a size only Medusa has: the native store does not know this sku
    body = await medusa_gql.post(
        """
        query ($sku: String!) {
          product(sku: $sku) { sku name category }
          products(category: "Running Shoes", first: 2, sort: {field: NAME}) {
            totalCount edges { node { sku } }
          }
        }
        """,
        {"sku": f"{DEVI_SHOES_SKU}-9"},
    )
    assert "errors" not in body, body
    assert body["data"]["product"]["sku"] == DEVI_SHOES_SKU
    assert body["data"]["product"]["category"] == "Running Shoes"
    assert len(body["data"]["products"]["edges"]) == 2


async def test_prices_and_stock_come_from_medusa_through_the_gateway(
    medusa_gql: GraphQLClient,
) -> None:
    body = await medusa_gql.post(
        """
        query ($sku: String!) {
          product(sku: $sku) {
            price { base { amount currency } }
            availability { online { availableToPromise status } }
          }
        }
        """,
        {"sku": DEVI_COFFEE_SKU},
    )
    assert "errors" not in body, body
    product = body["data"]["product"]
    catalog = build_catalog(datetime(2026, 1, 1, tzinfo=UTC))
    assert product["price"]["base"] == {
        "amount": catalog.by_sku[DEVI_COFFEE_SKU].price,
        "currency": "USD",
    }
    assert product["availability"]["online"]["availableToPromise"] > 0
