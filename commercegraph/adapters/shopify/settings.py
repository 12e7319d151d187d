"""``CG_SHOPIFY__*``: the shop, its tokens, the pinned API version and the markets."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

API_VERSION = "2025-01"  # a supported stable version; Shopify keeps each for at least a year


class ShopifySettings(BaseSettings):
    shop_domain: str = Field(description="The shop's domain, e.g. `example.myshopify.com`.")
    storefront_token: SecretStr = Field(
        description="Storefront API access token (header `X-Shopify-Storefront-Access-Token`)."
    )
    admin_token: SecretStr | None = Field(
        default=None,
        description="Admin API access token (`X-Shopify-Access-Token`); needed for sku "
        "look-ups, locations and inventory levels.",
    )
    api_version: str = Field(default=API_VERSION, description="Pinned Shopify API version.")
    timeout_ms: int = Field(default=5000, ge=1, description="Whole-request timeout.")
    connect_timeout_ms: int = Field(default=2000, ge=1, description="Connection timeout.")
    max_connections: int = Field(default=10, ge=1, description="Pooled HTTP connections.")
    markets: dict[str, str] = Field(
        default_factory=lambda: {"USD": "US", "EUR": "DE"},
        description="Currency -> the buyer country whose market prices in it "
        '(`@inContext(country:)`), e.g. `{"USD":"US","EUR":"DE"}`.',
    )
    language: str = Field(default="EN", description="`@inContext(language:)` of catalogue reads.")
    max_throttle_wait_s: float = Field(
        default=10.0,
        ge=0,
        description="Longest the client waits for the Admin API cost bucket to refill "
        "before failing the call as throttled (retryable).",
    )
