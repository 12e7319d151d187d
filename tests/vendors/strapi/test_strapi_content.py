"""``content.entries`` against a real Strapi 5 seeded with the demo content."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.adapters.native.content import pick_locale
from commercegraph.adapters.strapi import StrapiClient, StrapiContent
from commercegraph.adapters.strapi import harness as strapi_harness
from commercegraph.adapters.strapi.errors import StrapiConfigurationError
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.content import content_rows
from commercegraph.errors import BackendTimeout, BackendUnavailable
from commercegraph.gateway.circuit import CircuitState
from commercegraph.gateway.resilience import CallRecord, Resilience
from commercegraph.gateway.settings import BackendPolicy
from tests.vendors.strapi.conftest import strapi_settings

pytestmark = pytest.mark.vendor

CATALOG = build_catalog(datetime(2026, 1, 1, tzinfo=UTC))
PRODUCTS = CATALOG.products
DEMO = {
    (row["entity_key"], row["locale"]): row
    for row in content_rows(CATALOG)
    if row["entity_type"] == "product"
}


def key(product: dict[str, Any], locale: str) -> ContentKey:
    return ContentKey("product", product["id"], locale, product["sku"])


def native(product: dict[str, Any], locale: str) -> ContentRecord:
    """What the native store answers for the product's content in the locale."""
    available = [loc for (pid, loc) in DEMO if pid == product["id"]]
    chosen = pick_locale(available, locale, "en-US")
    assert chosen is not None
    row = DEMO[(product["id"], chosen)]
    return ContentRecord(row["title"], row["body"], tuple(row["images"]), chosen)


class CountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await super().handle_async_request(request)


async def test_entries_come_in_key_order_with_none_for_a_missing_sku(
    strapi: StrapiContent,
) -> None:
    chosen = [PRODUCTS[7], PRODUCTS[0], PRODUCTS[30]]
    missing = ContentKey("product", "prd_missing", "en-US", "NO-SUCH-SKU")
    keys = [key(chosen[0], "en-US"), missing, key(chosen[1], "en-US"), key(chosen[2], "en-US")]

    found = await strapi.entries(keys)

    assert found == [
        native(chosen[0], "en-US"),
        None,
        native(chosen[1], "en-US"),
        native(chosen[2], "en-US"),
    ]
    assert await strapi.entries([]) == []


async def test_both_locales_and_the_native_fallback(strapi: StrapiContent) -> None:
    product = PRODUCTS[12]
    locales = ["de-DE", "en-US", "de-AT", "en-GB", "fr-FR"]

    found = await strapi.entries([key(product, locale) for locale in locales])

    assert [record.locale if record else None for record in found] == [
        "de-DE",
        "en-US",
        "de-DE",
        "en-US",
        "en-US",
    ]
    assert found == [native(product, locale) for locale in locales]
    assert found[0] is not None and found[0].body.startswith(f"{product['name']} von ")


async def test_a_batch_costs_one_request_per_page_of_keys(
    strapi_server: harness.Started, strapi_token: str
) -> None:
    transport = CountingTransport()
    settings = strapi_settings(strapi_server.url, strapi_token)
    adapter = StrapiContent(StrapiClient(settings, transport), settings, "en-US")
    products = PRODUCTS[:120]
    try:
        found = await adapter.entries([key(product, "de-DE") for product in products])
    finally:
        await adapter.aclose()

    assert found == [native(product, "de-DE") for product in products]
    assert transport.paths == ["/api/i18n/locales"] + ["/api/product-contents"] * 2


async def test_content_written_only_in_strapi_comes_back(
    strapi: StrapiContent, strapi_admin: httpx.AsyncClient
) -> None:
    sku = f"STRAPI-ONLY-{uuid.uuid4().hex[:8]}"
    created = await strapi_admin.post(
        "/product-contents",
        params={"locale": "de-DE"},
        json={
            "data": {
                "productSku": sku,
                "title": "Nur in Strapi",
                "body": "Von Strapi",
                "images": ["https://media.example.com/a.jpg"],
            }
        },
    )
    assert created.status_code == 201, created.text
    keys = [
        ContentKey("product", "prd_new", "de-DE", sku),
        ContentKey("product", "prd_new", "en-US", sku),
    ]

    found = await strapi.entries(keys)

    expected = ContentRecord(
        "Nur in Strapi", "Von Strapi", ("https://media.example.com/a.jpg",), "de-DE"
    )
    # en-US has no entry and no language sibling; the entry exists only in de-DE, so
    # en-US falls back to the default locale en-US, which it lacks: None, as natively
    assert found == [expected, None]
    assert pick_locale(["de-DE"], "en-US", "en-US") is None


async def test_handle_as_key_field_finds_entries_by_entity_key(
    strapi_server: harness.Started, strapi_token: str, strapi_admin: httpx.AsyncClient
) -> None:
    handle = f"strapi-handle-{uuid.uuid4().hex[:8]}"
    created = await strapi_admin.post(
        "/product-contents",
        params={"locale": "en-US"},
        json={"data": {"productSku": "ANY", "handle": handle, "title": "By handle"}},
    )
    assert created.status_code == 201, created.text
    settings = strapi_settings(strapi_server.url, strapi_token, key_field="handle")
    adapter = StrapiContent(StrapiClient(settings), settings, "en-US")
    try:
        found = await adapter.entries([ContentKey("product", handle, "en-US", "IGNORED")])
    finally:
        await adapter.aclose()

    assert found == [ContentRecord("By handle", "", (), "en-US")]


async def test_a_wrong_token_is_a_configuration_error_that_is_not_retried(
    strapi_server: harness.Started,
) -> None:
    settings = strapi_settings(strapi_server.url, "not-the-token")
    adapter = StrapiContent(StrapiClient(settings), settings, "en-US")
    resilience = Resilience("content", BackendPolicy(retries=2, retry_base_ms=1))
    record = CallRecord()
    try:
        with pytest.raises(StrapiConfigurationError) as refused:
            await resilience.run(
                lambda: adapter.entries([key(PRODUCTS[0], "en-US")]), read=True, record=record
            )
    finally:
        await adapter.aclose()

    assert refused.value.code == "BACKEND_MISCONFIGURED"
    assert "401" in refused.value.message and "CG_STRAPI__TOKEN" in refused.value.message
    assert refused.value.extensions["backend"] == "content"
    assert record.attempts == 1 and record.outcome == "rejected"
    assert resilience.breaker.state is CircuitState.CLOSED


async def test_an_unknown_content_type_reads_as_missing(
    strapi_server: harness.Started, strapi_token: str
) -> None:
    settings = strapi_settings(strapi_server.url, strapi_token, content_type="no-such-types")
    adapter = StrapiContent(StrapiClient(settings), settings, "en-US")
    try:
        found = await adapter.entries([key(PRODUCTS[0], "en-US"), key(PRODUCTS[1], "de-DE")])
    finally:
        await adapter.aclose()

    assert found == [None, None]


async def test_a_stopped_then_killed_server_is_a_timeout_then_unavailable(node: None) -> None:
    started = await asyncio.to_thread(strapi_harness.start, None)
    settings = strapi_settings(started.url, strapi_harness.token(started), read_timeout_s=0.5)
    adapter = StrapiContent(StrapiClient(settings), settings, "en-US")
    try:
        assert await adapter.entries([key(PRODUCTS[0], "en-US")]) == [native(PRODUCTS[0], "en-US")]
        os.killpg(started.pid, signal.SIGSTOP)
        with pytest.raises(BackendTimeout):
            await adapter.entries([key(PRODUCTS[1], "en-US")])
    finally:
        await asyncio.to_thread(harness.kill, started.pid)
    try:
        with pytest.raises(BackendUnavailable) as down:
            await adapter.entries([key(PRODUCTS[2], "en-US")])
    finally:
        await adapter.aclose()

    assert down.value.code == "BACKEND_UNAVAILABLE" and down.value.backend == "content"
