"""The ``shopify`` entry point and its ``CG_SHOPIFY__*`` settings (no network is used)."""

from __future__ import annotations

import pytest

from commercegraph.adapters.registry import (
    AdapterConfigError,
    adapter_settings,
    available_factories,
)
from commercegraph.adapters.shopify import (
    ShopifyClient,
    ShopifyCommerce,
    ShopifyInventory,
    ShopifyPricing,
)
from commercegraph.adapters.shopify.settings import API_VERSION
from commercegraph.ports.capabilities import methods_of

pytestmark = pytest.mark.recorded


def test_settings_come_from_the_environment_with_secrets_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CG_SHOPIFY__SHOP_DOMAIN", "demo.myshopify.com")
    monkeypatch.setenv("CG_SHOPIFY__STOREFRONT_TOKEN", "sf-secret")
    monkeypatch.setenv("CG_SHOPIFY__ADMIN_TOKEN", "admin-secret")
    monkeypatch.setenv("CG_SHOPIFY__MARKETS", '{"GBP": "GB"}')
    factory = available_factories()["shopify"]
    own = adapter_settings("shopify", factory)
    assert own is not None
    assert own.api_version == API_VERSION  # type: ignore[attr-defined]
    assert own.markets == {"GBP": "GB"}  # type: ignore[attr-defined]
    assert "sf-secret" not in repr(own) and "admin-secret" not in repr(own)
    adapters = [factory(domain, None, None, own) for domain in ("commerce", "pricing", "inventory")]
    assert [type(a) for a in adapters] == [ShopifyCommerce, ShopifyPricing, ShopifyInventory]
    with pytest.raises(AdapterConfigError, match="not wallet"):
        factory("wallet", None, None, own)


def test_a_missing_shop_domain_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CG_SHOPIFY__SHOP_DOMAIN", raising=False)
    monkeypatch.setenv("CG_SHOPIFY__STOREFRONT_TOKEN", "sf-secret")
    with pytest.raises(AdapterConfigError, match="CG_SHOPIFY__SHOP_DOMAIN"):
        adapter_settings("shopify", available_factories()["shopify"])


@pytest.mark.parametrize("adapter", [ShopifyCommerce, ShopifyPricing, ShopifyInventory])
def test_each_adapter_implements_exactly_its_capabilities(adapter: type) -> None:
    for capability in adapter.capabilities:
        for method in methods_of(capability):
            assert callable(getattr(adapter, method, None)), f"{adapter.__name__}.{method}"


@pytest.mark.parametrize(
    ("api_url", "base"),
    [
        ("", "https://demo.myshopify.com"),
        ("https://shop-proxy.example.com/", "https://shop-proxy.example.com"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("http://localhost:8123", "http://localhost:8123"),
    ],
)
def test_the_api_url_defaults_to_the_shop_and_may_point_at_a_local_stand_in(
    monkeypatch: pytest.MonkeyPatch, api_url: str, base: str
) -> None:
    monkeypatch.setenv("CG_SHOPIFY__SHOP_DOMAIN", "demo.myshopify.com")
    monkeypatch.setenv("CG_SHOPIFY__STOREFRONT_TOKEN", "sf-secret")
    monkeypatch.setenv("CG_SHOPIFY__API_URL", api_url)
    own = adapter_settings("shopify", available_factories()["shopify"])
    assert own is not None
    client = ShopifyClient(own)  # type: ignore[arg-type]
    assert client.storefront_url == f"{base}/api/{API_VERSION}/graphql.json"
    assert client.admin_url == f"{base}/admin/api/{API_VERSION}/graphql.json"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CG_SHOPIFY__API_URL", "http://shop-proxy.example.com"),  # plain HTTP off this host
        ("CG_SHOPIFY__API_URL", "ftp://127.0.0.1"),
        ("CG_SHOPIFY__API_URL", "https://"),
        ("CG_SHOPIFY__API_URL", "https://shop.example.com/?x=1"),
        ("CG_SHOPIFY__SHOP_DOMAIN", "https://demo.myshopify.com"),
        ("CG_SHOPIFY__SHOP_DOMAIN", "demo.myshopify.com/admin"),
    ],
)
def test_an_unusable_url_or_domain_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("CG_SHOPIFY__SHOP_DOMAIN", "demo.myshopify.com")
    monkeypatch.setenv("CG_SHOPIFY__STOREFRONT_TOKEN", "sf-secret")
    monkeypatch.setenv(variable, value)
    with pytest.raises(AdapterConfigError, match=variable):
        adapter_settings("shopify", available_factories()["shopify"])
