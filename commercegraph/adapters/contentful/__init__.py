"""The ``contentful`` adapter: product content from Contentful's Content Delivery API.

``CG_ADAPTERS__CONTENT=contentful`` with ``CG_CONTENTFUL__SPACE_ID``,
``CG_CONTENTFUL__DELIVERY_TOKEN`` and (optionally) ``CG_CONTENTFUL__CONTENT_TYPE`` /
``CG_CONTENTFUL__KEY_FIELD``. It serves ``content.entries``; the content cache is dropped
when Contentful calls ``POST /webhooks/contentful`` (see ``webhook.py``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from commercegraph.adapters.contentful.adapter import ContentfulAdapter
from commercegraph.adapters.contentful.client import ContentfulClient
from commercegraph.config import Settings
from commercegraph.store.db import Store


class ContentfulSettings(BaseSettings):
    """``CG_CONTENTFUL__*``."""

    space_id: str = Field(description="The Contentful space holding the product entries.")
    environment: str = Field("master", description="The space environment to read.")
    delivery_token: SecretStr = Field(
        description="A Content Delivery API access token with access to that environment."
    )
    content_type: str = Field("product", description="Content type id of product entries.")
    key_field: str = Field("sku", description="Field of that type holding the product's sku.")
    title_field: str = Field("title", description="Field read as the entry's title.")
    body_field: str = Field("body", description="Field read as the body (text or Rich Text).")
    images_field: str = Field(
        "images", description="Field of asset links (or entry links to assets) for images."
    )
    locales: dict[str, str] = Field(
        default_factory=dict,
        description='Gateway locale to Contentful locale code, e.g. {"de-DE": "de"}; '
        "unmapped locales are used as they are.",
    )
    include: int = Field(2, ge=0, le=10, description="Levels of linked entries to include.")
    batch_size: int = Field(
        50, ge=1, le=200, description="Skus per request (they go in the query string)."
    )
    page_size: int = Field(100, ge=1, le=1000, description="Entries per page (`limit`).")
    base_url: str = Field(
        "https://cdn.contentful.com",
        description="CDA base URL (https://cdn.eu.contentful.com for EU data residency).",
    )
    timeout_ms: int = Field(2000, ge=1, description="Time allowed for one request.")
    connect_timeout_ms: int = Field(1000, ge=1, description="Time allowed to connect.")
    requests_per_second: int = Field(
        55,
        ge=2,
        description="Uncached requests the space allows a second (55 on the Community tier; "
        "`X-Contentful-RateLimit-Second-Limit` names a space's own).",
    )
    burst: int = Field(
        10, ge=1, description="Requests sent back to back before the steady rate applies."
    )
    rate_limit_retries: int = Field(2, ge=0, description="Retries of a 429 answer.")
    max_rate_limit_wait_s: float = Field(
        2.0, ge=0, description="Longest wait a 429 may ask for and still be retried."
    )
    webhook_secret: SecretStr | None = Field(
        None,
        description="Shared secret Contentful sends in X-CG-Webhook-Secret; enables "
        "POST /webhooks/contentful, which drops the content cache.",
    )

    @model_validator(mode="after")
    def _burst_below_limit(self) -> ContentfulSettings:
        if self.burst >= self.requests_per_second:
            raise ValueError("burst must be below requests_per_second")
        return self


def create_adapter(
    domain: str, settings: Settings, store: Store, contentful: ContentfulSettings
) -> Any:
    """Entry point ``commercegraph.adapters: contentful``; the store is not used."""
    if domain != "content":
        raise ValueError(f"the contentful adapter serves content, not {domain}")
    return ContentfulAdapter(ContentfulClient(contentful), contentful)


create_adapter.settings_model = ContentfulSettings  # type: ignore[attr-defined]

__all__ = ["ContentfulAdapter", "ContentfulClient", "ContentfulSettings", "create_adapter"]
