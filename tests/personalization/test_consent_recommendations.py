"""Complements come from every source the gateway holds — catalogue accessories, baskets and
the bundles — and a customer's recommendations start from what they look at now."""

from __future__ import annotations

from commercegraph.demo import DEVI_ID, DEVI_SHOES_SKU
from tests.conftest import GraphQLClient
from tests.integration.test_journey import data

RUNNING_KIT_PARTNERS = {"SKU-EAR-0007", "SKU-SNK-0031"}  # the curated running kit's others


async def test_devi_gets_cross_sells_for_her_running_shoes(p8_gql: GraphQLClient) -> None:
    query = """query($sku: String!) {
      me { recommendations(kind: CROSS_SELL) { product { sku } reason anchorSku } }
      product(sku: $sku) { recommendations(kind: CROSS_SELL) { product { sku } reason } } }"""
    body = data(await p8_gql.post(query, {"sku": DEVI_SHOES_SKU}, token=p8_gql.token(DEVI_ID)))
    for_product = body["product"]["recommendations"]
    assert for_product and {r["product"]["sku"] for r in for_product} <= RUNNING_KIT_PARTNERS
    assert all("Running kit" in r["reason"] for r in for_product)
    # she viewed the shoes and did not buy them: they anchor her own cross-sells
    mine = [r for r in body["me"]["recommendations"] if r["anchorSku"] == DEVI_SHOES_SKU]
    assert mine and {r["product"]["sku"] for r in mine} <= RUNNING_KIT_PARTNERS


async def test_anonymous_callers_get_the_bundle_partners_too(p8_gql: GraphQLClient) -> None:
    query = """query($sku: String!) {
      product(sku: $sku) { recommendations(kind: CROSS_SELL) { product { sku } } } }"""
    body = data(await p8_gql.post(query, {"sku": DEVI_SHOES_SKU}))
    skus = {r["product"]["sku"] for r in body["product"]["recommendations"]}
    assert skus and skus <= RUNNING_KIT_PARTNERS
