"""The Strapi adapter's own settings, read from ``CG_STRAPI__*``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings


class StrapiSettings(BaseSettings):
    url: str = Field(description="Base URL of the Strapi server, e.g. `http://127.0.0.1:1337`.")
    token: SecretStr = Field(
        description="A Strapi API token (read-only is enough) sent as a bearer token."
    )
    content_type: str = Field(
        default="product-contents",
        description="Plural API id of the collection type holding product content "
        "(`/api/<content_type>`).",
    )
    key_field: Literal["productSku", "handle"] = Field(
        default="productSku",
        description="Field an entry is found by: `productSku` matches the product's sku, "
        "`handle` matches the gateway's entity key.",
    )
    connect_timeout_s: float = Field(default=2.0, gt=0, description="Time to open a connection.")
    read_timeout_s: float = Field(
        default=5.0, gt=0, description="Time allowed for each read, write and pool wait."
    )
    max_connections: int = Field(default=20, ge=1, description="Pooled HTTP connections.")
    page_size: int = Field(
        default=100,
        ge=1,
        le=100,
        description="Keys asked for in one request (Strapi's `rest.maxLimit` caps a page).",
    )
