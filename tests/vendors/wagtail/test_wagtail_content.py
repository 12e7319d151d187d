"""``content.entries`` from a real Wagtail site (Wagtail 8, its REST API v2 on loopback),
seeded by the harness with the native demo's product content in en-US and de-DE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio

from commercegraph.adapters.base import ContentBackend, ContentKey, ContentRecord
from commercegraph.adapters.harness import Started
from commercegraph.adapters.native.content import NativeContent
from commercegraph.adapters.registry import adapter_settings, available_factories
from commercegraph.adapters.testing import ContractFixture, check_content
from commercegraph.adapters.wagtail import WagtailClient, WagtailContent, create_adapter
from commercegraph.adapters.wagtail import harness as wagtail_harness
from commercegraph.adapters.wagtail.errors import WagtailQueryRefused
from commercegraph.bootstrap import open_store
from commercegraph.config import Settings
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.content import content_rows
from commercegraph.errors import BackendUnavailable, CircuitOpen
from commercegraph.gateway.circuit import CircuitState
from commercegraph.gateway.guard import guard_adapters
from tests.conftest import SeededDatabase
from tests.vendors.wagtail.conftest import start_site, wagtail_settings

pytestmark = pytest.mark.vendor

CATALOG = build_catalog(datetime.now(UTC))
PRODUCTS = CATALOG.products[:3]
NATIVE_ROWS = {
    (row["entity_key"], row["locale"]): row
    for row in content_rows(CATALOG)
    if row["entity_type"] == "product"
}


def key(product: dict[str, object], locale: str) -> ContentKey:
    return ContentKey("product", str(product["id"]), locale, str(product["sku"]))


def expected(product: dict[str, object], locale: str) -> ContentRecord:
    row = NATIVE_ROWS[(product["id"], locale)]
    return ContentRecord(row["title"], row["body"], tuple(row["images"]), locale)


class CountingTransport(httpx.AsyncBaseTransport):
    """The real transport, counting the requests that go through it."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest_asyncio.fixture
async def counted(wagtail_site: Started) -> AsyncIterator[tuple[WagtailContent, CountingTransport]]:
    own = wagtail_settings(wagtail_site)
    transport = CountingTransport()
    client = WagtailClient(
        own.url,
        timeout_ms=own.timeout_ms,
        connect_timeout_ms=own.connect_timeout_ms,
        max_connections=own.max_connections,
        transport=transport,
    )
    adapter = WagtailContent(client, own, "en-US")
    try:
        yield adapter, transport
    finally:
        await adapter.aclose()


def test_the_entry_point_builds_the_adapter_from_its_settings(
    wagtail_site: Started, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in wagtail_harness.settings_env(wagtail_site).items():
        monkeypatch.setenv(name, value)
    factory = available_factories()["wagtail"]
    own = adapter_settings("wagtail", factory)
    assert own is not None and own.url == wagtail_site.url  # type: ignore[attr-defined]
    assert own.locales == {"en-US": "en", "de-DE": "de"}  # type: ignore[attr-defined]
    adapter = factory("content", Settings(), None, own)
    assert isinstance(adapter, ContentBackend)
    assert adapter.capabilities == frozenset({"content.entries"})


async def test_entries_come_back_in_key_order_in_both_locales(
    wagtail_content: WagtailContent,
) -> None:
    a, b, c = PRODUCTS
    keys = [key(c, "de-DE"), key(a, "en-US"), key(b, "de-DE"), key(a, "de-DE"), key(c, "en-US")]
    found = await wagtail_content.entries(keys)
    assert found == [
        expected(c, "de-DE"),
        expected(a, "en-US"),
        expected(b, "de-DE"),
        expected(a, "de-DE"),
        expected(c, "en-US"),
    ]
    assert found[0] is not None and found[0].body.startswith(f"{c['name']} von ")
    assert found[4] is not None and found[4].body.startswith(f"{c['name']} by ")


async def test_a_missing_entry_is_none(wagtail_content: WagtailContent) -> None:
    product = PRODUCTS[0]
    keys = [
        ContentKey("product", "prd_missing", "en-US", "SKU-DOES-NOT-EXIST"),
        key(product, "en-US"),
        ContentKey("product", str(product["id"]), "en-US"),  # no sku: Wagtail cannot find it
        ContentKey("category", "cat_tea", "en-US", str(product["sku"])),
        ContentKey("product", "prd_nul", "en-US", "SKU-\x00"),
    ]
    assert await wagtail_content.entries([]) == []
    assert await wagtail_content.entries(keys) == [
        None,
        expected(product, "en-US"),
        None,
        None,
        None,
    ]


async def test_an_entry_seeded_only_in_wagtail_comes_back(wagtail_content: WagtailContent) -> None:
    only = ContentKey("product", "prd_wagtail", "en-US", wagtail_harness.WAGTAIL_ONLY_SKU)
    (found,) = await wagtail_content.entries([only])
    assert found is not None and found.title == wagtail_harness.WAGTAIL_ONLY_TITLE
    assert found.images == ("https://cdn.example.com/wagtail/only.jpg",)
    # held in en only: German falls back to the default locale, as in the native store
    (german,) = await wagtail_content.entries([ContentKey("product", "p", "de-DE", only.sku)])
    assert german is not None and german.locale == "en-US" and german.title == found.title


async def test_locale_fallback_is_the_native_stores(
    wagtail_content: WagtailContent, sqlite_db: SeededDatabase
) -> None:
    locales = ["en-US", "de-DE", "de-AT", "de", "en-GB", "EN-us", "fr-FR", "pt"]
    keys = [key(p, locale) for p in PRODUCTS for locale in locales]
    async with open_store(Settings(database_url=sqlite_db.url)) as store:
        native = await NativeContent(store, Settings()).entries(keys)
    found = await wagtail_content.entries(keys)
    assert [f and f.locale for f in found] == [n and n.locale for n in native]
    assert found == native
    assert {f.locale for f in found if f} == {"en-US", "de-DE"}


async def test_a_batch_costs_one_request_per_sku(
    counted: tuple[WagtailContent, CountingTransport],
) -> None:
    adapter, transport = counted
    a, b, _ = PRODUCTS
    keys = [key(a, "en-US"), key(b, "de-DE"), key(a, "de-DE"), key(b, "fr-FR"), key(a, "en-GB")]
    found = await adapter.entries(keys)
    assert all(found)
    assert len(transport.requests) == 2
    assert sorted(r.url.params["product_sku"] for r in transport.requests) == sorted(
        [str(a["sku"]), str(b["sku"])]
    )
    assert all("locale" not in r.url.params for r in transport.requests)


async def test_a_query_wagtail_refuses_is_a_clear_error_not_counted_against_the_circuit(
    wagtail_site: Started,
) -> None:
    refused = create_adapter(
        "content",
        Settings(),
        None,  # type: ignore[arg-type]
        wagtail_settings(wagtail_site, key_field="not_an_api_field"),
    )
    settings = Settings(
        cache_ttl_seconds=0, resilience={"content": {"failure_threshold": 1, "retries": 0}}
    )
    guarded = guard_adapters({"content": refused}, {"content": "wagtail"}, settings)["content"]
    try:
        for _ in range(3):
            with pytest.raises(WagtailQueryRefused) as caught:
                await guarded.entries([key(PRODUCTS[0], "en-US")])
            assert "not_an_api_field" in caught.value.message
            assert caught.value.code == "BACKEND_QUERY_REFUSED"
        assert guarded.resilience.breaker.state is CircuitState.CLOSED
    finally:
        await refused.aclose()


async def test_a_killed_server_is_backend_unavailable() -> None:
    started = start_site()
    # generous budgets: a stalled event loop on a busy machine must not turn the refused
    # connection into a timeout
    own = wagtail_settings(started, connect_timeout_ms=3000)
    adapter = create_adapter("content", Settings(), None, own)  # type: ignore[arg-type]
    settings = Settings(
        cache_ttl_seconds=0,
        resilience={"content": {"failure_threshold": 1, "retries": 0, "timeout_ms": 10000}},
    )
    guarded = guard_adapters({"content": adapter}, {"content": "wagtail"}, settings)["content"]
    product = PRODUCTS[0]
    try:
        assert await guarded.entries([key(product, "en-US")]) == [expected(product, "en-US")]
        wagtail_harness.kill(started.pid)
        with pytest.raises(BackendUnavailable) as caught:
            await adapter.entries([key(product, "de-DE")])
        assert caught.value.backend == "content"
        with pytest.raises(BackendUnavailable):
            await guarded.entries([key(product, "de-DE")])
        with pytest.raises(CircuitOpen):
            await guarded.entries([key(product, "de-DE")])
    finally:
        wagtail_harness.stop(started.pid)
        await adapter.aclose()


async def test_a_404_from_wagtail_is_nothing_found(wagtail_content: WagtailContent) -> None:
    # Wagtail answers 404 for a locale it does not have
    params = {"type": wagtail_harness.PAGE_TYPE, "locale": "xx"}
    assert await wagtail_content.client.pages(params) is None
    assert await wagtail_content.client.pages({**params, "locale": "de"}) is not None


async def test_the_adapter_passes_the_content_contract(wagtail_content: WagtailContent) -> None:
    await check_content(wagtail_content, ContractFixture())
