"""Recommendations follow the customer's personalisation consent, and complements come from
every source the gateway holds: catalogue accessories, baskets and the bundles."""

from __future__ import annotations

from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU
from tests.conftest import GraphQLClient
from tests.integration.test_journey import data


async def test_devi_gets_cross_sells_for_her_running_shoes(p8_gql: GraphQLClient) -> None:
    query = """query($sku: String!) {
      me { recommendations(kind: CROSS_SELL, productId: null) { product { sku } reason anchorSku } }
      product(sku: $sku) { recommendations(kind: CROSS_SELL) { product { sku } reason } } }"""
    body = data(await p8_gql.post(query, {"sku": DEVI_SHOES_SKU}, token=p8_gql.token(DEVI_ID)))
    print(body)
    assert body["product"]["recommendations"]
