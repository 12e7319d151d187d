"""Capabilities: a vendor adapter serves what it declares, the gateway's own store the rest.

The vendor here is a catalog-only adapter installed as a distribution of its own (found by
its entry point, like any third-party package): its product names carry a marker that only
it holds, so an answer shows which system served it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from commercegraph import bootstrap
from commercegraph.adapters.registry import AdapterConfigError
from commercegraph.app import create_app
from commercegraph.errors import BackendError
from commercegraph.gateway.faults import parse_faults
from tests.conftest import GraphQLClient, SeededDatabase, settings_for

CATALOG_ONLY = '''
import dataclasses

from commercegraph.adapters.native import create_adapter as native

MARKER = "Vendor catalog: "


class CatalogOnly:
    """Products from 'the vendor': the native catalog, renamed."""

    capabilities = frozenset(CAPABILITIES)

    def __init__(self, inner):
        self.inner = inner

    def _renamed(self, products):
        return [
            None if p is None else dataclasses.replace(p, name=MARKER + p.name) for p in products
        ]

    async def products_by_id(self, ids):
        return self._renamed(await self.inner.products_by_id(ids))

    async def products_by_sku(self, skus):
        return self._renamed(await self.inner.products_by_sku(skus))

    async def categories_by_id(self, ids):
        return await self.inner.categories_by_id(ids)

    async def related_products(self, keys):
        return await self.inner.related_products(keys)

    def __getattr__(self, name):
        if name in DELEGATED:  # the capabilities beyond the catalog, served as-is
            return getattr(self.inner, name)
        raise AttributeError(name)


def create_adapter(domain, settings, store):
    return CatalogOnly(native(domain, settings, store))
'''


def _install(
    tmp_path: Path, name: str, capabilities: list[str], delegated: list[str] | None = None
) -> None:
    module = f"cg_vendor_{name}"
    source = CATALOG_ONLY.replace("CAPABILITIES", repr(capabilities)).replace(
        "DELEGATED", repr(delegated or [])
    )
    (tmp_path / f"{module}.py").write_text(source, encoding="utf-8")
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[commercegraph.adapters]\n{name} = {module}:create_adapter\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def vendors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    path = tmp_path_factory.mktemp("vendors")
    _install(path, "catalogonly", ["commerce.catalog"])
    _install(path, "claimsbundles", ["commerce.catalog", "gateway.bundles"])
    _install(path, "claimssearch", ["commerce.catalog", "commerce.search"])
    _install(
        path,
        "withcarts",
        ["commerce.catalog", "commerce.carts"],
        ["carts_by_id", "carts_for_customers", "create_cart", "set_cart_line", "replace_cart_line"],
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(path))
        yield


@pytest_asyncio.fixture
async def mixed(vendors: None, seeded_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    settings = settings_for(
        seeded_db.url, adapters={"commerce": "catalogonly"}, cache_ttl_seconds=0
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.container.aclose() if hasattr(app.state, "container") else None
    await app.state.store.dispose()


PRODUCT_AND_CART = """
query Product($sku: String!) { product(sku: $sku) { sku name } }
"""
CREATE_CART = """
mutation { createCart { id lines { sku } } }
"""
ADD_LINE = """
mutation Add($cart: ID!, $sku: String!) {
  addCartLine(cartId: $cart, sku: $sku, quantity: 2) { id lines { sku quantity } }
}
"""
BACKENDS = "{ backends { domain adapter capabilities } }"


async def test_the_vendor_serves_its_catalog_and_the_store_keeps_the_carts(
    mixed: GraphQLClient,
) -> None:
    product = await mixed.post(PRODUCT_AND_CART, {"sku": "SKU-RUN-0001"})
    assert product["data"]["product"]["name"].startswith("Vendor catalog: ")

    token = mixed.token("cus_devi")
    cart = await mixed.post(CREATE_CART, token=token)
    cart_id = cart["data"]["createCart"]["id"]
    added = await mixed.post(ADD_LINE, {"cart": cart_id, "sku": "SKU-RUN-0001"}, token=token)
    assert added["data"]["addCartLine"]["lines"] == [{"sku": "SKU-RUN-0001", "quantity": 2}]

    backends = await mixed.post(BACKENDS, token=mixed.token(staff=True))
    commerce = {
        entry["adapter"]: entry["capabilities"]
        for entry in backends["data"]["backends"]
        if entry["domain"] == "COMMERCE"
    }
    assert commerce["catalogonly"] == ["commerce.catalog"]
    assert "commerce.carts" in commerce["native"] and "gateway.bundles" in commerce["native"]
    assert "commerce.catalog" not in commerce["native"]


async def test_a_vendor_failure_opens_its_own_circuit_only(
    vendors: None, seeded_db: SeededDatabase
) -> None:
    settings = settings_for(
        seeded_db.url, adapters={"commerce": "catalogonly"}, cache_ttl_seconds=0
    )
    async with bootstrap.open(settings) as container:
        registry = container.registry
        guards = {(g.domain, g.adapter_name): g for g in registry.guards}
        vendor, native = guards[("commerce", "catalogonly")], guards[("commerce", "native")]
        vendor.set_fault(parse_faults("commerce:error_rate=1.0")["commerce"])
        for _ in range(20):
            with pytest.raises(BackendError):
                await registry.commerce.products_by_id(["prd_00001"])
        assert vendor.health().circuit == "OPEN"
        cart = await registry.commerce.create_cart("cus_devi", "WEB", "USD")
        assert (await registry.commerce.carts_by_id([cart.id]))[0] is not None
        assert native.health().circuit == "CLOSED" and native.calls["create_cart"] == 1
        assert vendor.calls["create_cart"] == 0


def test_a_capability_can_be_kept_in_the_gateway_by_configuration(
    vendors: None, seeded_db: SeededDatabase
) -> None:
    settings = settings_for(
        seeded_db.url,
        adapters={"commerce": "withcarts"},
        capabilities={"commerce.carts": "native"},
    )
    container = bootstrap.compose(settings)
    try:
        routes = container.registry.routes["commerce"]
        assert routes["commerce.catalog"] == "withcarts"
        assert routes["commerce.carts"] == "native"
        assert routes["commerce.orders"] == routes["gateway.bundles"] == "native"
        # one adapter for the whole domain: its guard, no router in between
        content = container.registry.content
        assert content in container.registry.guards
    finally:
        asyncio.run(container.aclose())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"adapters": {"commerce": "claimsbundles"}},
            "declares gateway.bundles: the gateway's own state is served by its store",
        ),
        (
            {"adapters": {"commerce": "claimssearch"}},
            "declares commerce.search but lacks search_products, product_facets",
        ),
        (
            {"adapters": {"content": "catalogonly"}},
            "adapter 'catalogonly' serves none of content's capabilities",
        ),
        ({"capabilities": {"commerce.wishlists": "native"}}, "not a vendor capability"),
        ({"capabilities": {"gateway.bundles": "native"}}, "not a vendor capability"),
        ({"capabilities": {"commerce.carts": "nosuch"}}, "names no adapter"),
        (
            {"capabilities": {"commerce.carts": "catalogonly"}},
            "that adapter does not serve commerce.carts",
        ),
    ],
)
def test_a_wrong_capability_configuration_is_one_clear_line(
    vendors: None, tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    settings = settings_for(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", **overrides)
    with pytest.raises(AdapterConfigError, match=message.replace("(", r"\(")):
        bootstrap.compose(settings)
