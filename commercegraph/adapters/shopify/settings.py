"""``CG_SHOPIFY__*``: the shop, its tokens, the pinned API version and the markets."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings

API_VERSION = "2025-01"  # a supported stable version; Shopify keeps each for at least a year


LOOPBACK_NAMES = frozenset({"localhost"})


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class ShopifySettings(BaseSettings):
    shop_domain: str = Field(description="The shop's domain, e.g. `example.myshopify.com`.")
    api_url: str = Field(
        default="",
        description="Base URL the Storefront and Admin APIs are called at; empty: "
        "`https://<shop_domain>`. An `https://` URL, or `http://` on a loopback address "
        "(a local stand-in such as the contract kit's fault server).",
    )
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

    @field_validator("shop_domain")
    @classmethod
    def _bare_domain(cls, value: str) -> str:
        if not value or "/" in value or ":" in value:
            raise ValueError("shop_domain is a bare domain such as example.myshopify.com")
        return value

    @field_validator("api_url")
    @classmethod
    def _usable_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        host = parts.hostname or ""
        secure = parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))
        if not host or not secure or parts.query or parts.fragment:
            raise ValueError(
                "api_url must be an https:// URL (http:// only on a loopback address), "
                "without query or fragment"
            )
        return value.rstrip("/")

    @property
    def base_url(self) -> str:
        return self.api_url or f"https://{self.shop_domain}"
