"""The ``shopify`` entry point and its ``CG_SHOPIFY__*`` settings (no network is used)."""

from __future__ import annotations

import pytest

from commercegraph.adapters.registry import (
    AdapterConfigError,
    adapter_settings,
    available_factories,
)
from commercegraph.adapters.shopify import ShopifyCommerce, ShopifyInventory, ShopifyPricing
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
