"""``CG_MEDUSA__*``: where the Medusa server is and how the adapter talks to it."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings


class MedusaSettings(BaseSettings):
    url: str = Field(description="Base URL of the Medusa server, e.g. http://127.0.0.1:9000")
    publishable_key: str = Field(
        description="A publishable API key (pk_...) for the Store API; it picks the sales channel"
    )
    admin_email: str = Field(description="Email of a Medusa admin user (orders, stock, prices)")
    admin_password: SecretStr = Field(description="That admin user's password")
    regions: dict[str, str] = Field(
        default_factory=dict,
        description='Region id per currency, e.g. {"USD": "reg_..."}; empty: found by currency',
    )
    timeout_ms: int = Field(default=5000, gt=0, description="Per request, reads and writes")
    connect_timeout_ms: int = Field(default=1000, gt=0)
    max_connections: int = Field(default=20, ge=1)
    customer_email_domain: str = Field(
        default="customers.commercegraph.invalid",
        description="Carts of a gateway customer carry <customer id>@<this> as their email, "
        "so Medusa files them under one Medusa customer",
    )
