"""``CG_WAGTAIL__*``: where the Wagtail site is and how its product pages are shaped."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

API_FIELD = r"^[A-Za-z_][A-Za-z0-9_]*$"
# Wagtail's own default for WAGTAILAPI_LIMIT_MAX; a larger page size is refused with a 400.
WAGTAIL_LIMIT_MAX = 20


class WagtailSettings(BaseSettings):
    url: str = Field(description="Base URL of the Wagtail site (the API is under /api/v2/).")
    page_type: str = Field(
        default="catalog.ProductPage",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$",
        description="The page model holding product content, as app_label.ModelName.",
    )
    key_field: str = Field(
        default="product_sku", pattern=API_FIELD, description="The API field holding the sku."
    )
    title_field: str = Field(
        default="title", pattern=API_FIELD, description="The API field holding the title."
    )
    body_field: str = Field(
        default="body", pattern=API_FIELD, description="The API field holding the body text."
    )
    images_field: str = Field(
        default="image_urls",
        pattern=API_FIELD,
        description="The API field holding a list of image URLs (or of objects with a url).",
    )
    locales: dict[str, str] = Field(
        default_factory=lambda: {"en-US": "en", "de-DE": "de"},
        description="Gateway locale -> Wagtail language code.",
    )
    timeout_ms: int = Field(
        default=2000, gt=0, description="Time allowed for one answer (the guard's budget is apart)."
    )
    connect_timeout_ms: int = Field(
        default=500, gt=0, description="Time allowed to open a connection."
    )
    max_connections: int = Field(
        default=10, ge=1, le=100, description="Pooled connections, and requests in flight at once."
    )
    page_size: int = Field(
        default=WAGTAIL_LIMIT_MAX,
        ge=1,
        le=1000,
        description="The listing `limit` sent; at most the site's WAGTAILAPI_LIMIT_MAX.",
    )
