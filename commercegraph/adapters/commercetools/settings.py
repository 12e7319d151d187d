"""``CG_COMMERCETOOLS__*``: the project, its region's URLs, the API client and price scope."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

REGION_API = "https://api.europe-west1.gcp.commercetools.com"
REGION_AUTH = "https://auth.europe-west1.gcp.commercetools.com"


class CommercetoolsSettings(BaseSettings):
    project_key: str = Field(description="The commercetools project key.")
    api_url: str = Field(default=REGION_API, description="The region's HTTP API URL.")
    auth_url: str = Field(default=REGION_AUTH, description="The region's OAuth 2.0 server URL.")
    client_id: SecretStr = Field(description="API client id (client credentials flow).")
    client_secret: SecretStr = Field(description="API client secret.")
    scopes: str = Field(
        default="",
        description="Space-separated OAuth scopes to ask for; empty asks for the API "
        "client's own (`manage_project:<key>` for an admin client).",
    )
    timeout_ms: int = Field(default=5000, ge=1, description="Whole-request timeout.")
    connect_timeout_ms: int = Field(default=2000, ge=1, description="Connection timeout.")
    max_connections: int = Field(default=10, ge=1, description="Pooled HTTP connections.")
    locale: str = Field(default="en-US", description="Locale of names, slugs and search text.")
    markets: dict[str, str] = Field(
        default_factory=lambda: {"USD": "US", "EUR": "DE"},
        description="Currency -> the country of price selection (`priceCountry`) and new carts.",
    )
    price_customer_group: str | None = Field(
        default=None, description="Customer group id for price selection (`priceCustomerGroup`)."
    )
    price_channel: str | None = Field(
        default=None, description="Channel id for price selection (`priceChannel`)."
    )
    channel: str = Field(default="web", description="Sales channel name of carts and orders.")
    brand_attribute: str = Field(default="brand", description="Variant attribute of the brand.")
    option_attributes: list[str] = Field(
        default_factory=lambda: ["size", "colour", "color"],
        description="Variant attributes that are a product's option axes.",
    )
    conflict_retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Times an update refetches and retries after a version conflict.",
    )
    requests_per_second: int = Field(
        default=50,
        ge=2,
        description="Requests the gateway sends the project per second at most. commercetools "
        "publishes no fixed rate (its 429 `TooManyRequests` names the wait); set the figure "
        "agreed for the project.",
    )
    burst: int = Field(
        default=10, ge=1, description="Requests sent back to back before the steady rate applies."
    )
    rate_limit_retries: int = Field(default=3, ge=0, description="Retries of a 429 answer.")
    max_retry_after_s: float = Field(
        default=10.0,
        ge=0,
        description="Longest `Retry-After` a 429 may ask for and still be retried.",
    )

    @model_validator(mode="after")
    def _burst_below_limit(self) -> CommercetoolsSettings:
        if self.burst >= self.requests_per_second:
            raise ValueError("burst must be below requests_per_second")
        return self
