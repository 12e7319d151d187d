"""Settings, read once by the composition root (env prefix ``CG_``)."""

from __future__ import annotations

import ipaddress
import json
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from commercegraph.gateway.settings import OtelSettings, ResilienceSettings, RestSettings
from commercegraph.workers.settings import WorkerSettings

DOMAINS = ("commerce", "content", "customer", "pricing", "inventory", "wallet")


class Environment(StrEnum):
    DEV = "dev"
    PRODUCTION = "production"


class AdapterChoice(BaseModel):
    """Which adapter serves each domain: ``CG_ADAPTERS__CONTENT=native``."""

    commerce: str = "native"
    content: str = "native"
    customer: str = "native"
    pricing: str = "native"
    inventory: str = "native"
    wallet: str = "native"

    def for_domain(self, domain: str) -> str:
        return str(getattr(self, domain))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CG_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    env: Environment = Environment.DEV
    database_url: str = "sqlite+aiosqlite:///./commercegraph.db"
    jwt_secret: str = Field(default="dev-secret-change-me-in-production-0123456789")
    jwt_issuer: str = "commercegraph"
    jwt_audience: str = "commercegraph"
    token_ttl_seconds: int = 12 * 3600
    adapters: AdapterChoice = AdapterChoice()
    # capability -> adapter, overriding the domain's adapter for that capability:
    # CG_CAPABILITIES='{"commerce.carts": "native"}'
    capabilities: dict[str, str] = Field(default_factory=dict)
    default_currency: str = "USD"
    default_locale: str = "en-US"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_page_size: int = 100
    pickup_radius_km: float = 25.0
    db_pool_size: int = 10

    # gateway core
    rest: RestSettings = RestSettings()  # CG_REST__<DOMAIN>__URL
    resilience: ResilienceSettings = ResilienceSettings()  # CG_RESILIENCE__<DOMAIN>__...
    faults: str = ""  # CG_FAULTS, e.g. "content:latency_ms=50;pricing:error_rate=1.0"
    redis_url: str | None = None  # shared cross-request cache when set
    cache_ttl_seconds: float = 60.0  # read-mostly data (catalog, content, stores)
    cache_prefix: str = "cg:cache:"
    otel: OtelSettings = Field(default_factory=OtelSettings)  # OTEL_TRACES_EXPORTER, ...
    ready_requires_backends: bool = Field(
        default=False,
        description="Answer /readyz with 503 when a backend is down, not only when the "
        "store or its migrations are.",
    )

    # pricing

    # inventory
    # Channel -> locations that ship its orders, in order of preference: a location kind
    # (WAREHOUSE, STORE) or a location id; only locations that can ship count.
    fulfillment_sources: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "WEB": ["WAREHOUSE", "STORE"],
            "MOBILE_APP": ["WAREHOUSE", "STORE"],
            "CALL_CENTER": ["WAREHOUSE", "STORE"],
            "MARKETPLACE": ["WAREHOUSE"],
            "STORE": [],
        }
    )
    reservation_ttl_seconds: int = 900
    bundle_min_support: float = 0.002
    bundle_min_lift: float = 1.5
    bundle_min_orders: int = 5
    bundle_max_mined: int = 50
    bundle_mined_discount_percent: int = 5
    bundle_history_days: int = 365

    # checkout
    # Pay at pickup: channel -> the store ids (or "*" for every pickup store) where an
    # order may be placed with nothing paid and paid at the store instead.
    checkout_pay_at_pickup: dict[str, list[str]] = Field(
        default_factory=lambda: {"WEB": ["*"], "MOBILE_APP": ["*"], "STORE": ["*"]}
    )
    checkout_max_unpaid_orders: int = Field(default=3, ge=0)  # open pay-at-pickup, per customer
    checkout_max_unpaid_units: int = Field(default=20, ge=0)  # units across those orders
    checkout_max_line_quantity: int = Field(default=100, ge=1)  # units of one sku per order
    checkout_lease_seconds: float = Field(default=30.0, gt=0)  # a dead runner's checkouts wait
    checkout_wait_seconds: float = Field(default=10.0, ge=0)  # a duplicate waits for the first
    # Fault injection for crash tests (dev only): exit the process right after this step
    # of every checkout is recorded (HELD, PAID, PLACED, COMMITTED).
    checkout_crash_after: str = ""

    # customer 360
    events_api_keys: dict[str, str] = {}  # channel API key -> the channel it sends for
    events_max_batch: int = 100
    events_max_body_bytes: int = 1_048_576
    events_max_age_days: int = 365  # a store's point of sale may upload days late
    events_max_clock_skew_seconds: int = 300

    # wallet and loyalty
    wallet_max_top_up: int = 100_000  # minor units per top-up
    wallet_max_payment_methods: int = 10
    loyalty_expiring_soon_days: int = 30
    wallet_idempotency_retention_hours: int = Field(default=48, ge=24)

    # personalisation
    reco_up_sell_max_ratio: float = 1.5
    reco_up_sell_max_ratio_price_sensitive: float = 1.2
    reco_cross_sell_max_ratio: float = 0.5
    reco_cross_sell_max_ratio_price_sensitive: float = 0.25
    reco_price_sensitive_segments: tuple[str, ...] = (
        "behaviour:price-sensitive",
        "behaviour:discount-driven",
    )
    reco_premium_segments: tuple[str, ...] = ("rfm:champions", "abc:A")
    replenishment_due_window_days: float = 3.0
    ltv_min_repeat_buyers: int = Field(default=20, ge=10)
    offers_abandoned_cart_hours: float = 24.0
    offers_max_new_marketing_per_day: int = 3
    offers_store_radius_km: float = 10.0
    store_payment_code_ttl_seconds: int = Field(default=120, ge=10, le=3600)
    exit_code_ttl_seconds: int = Field(default=900, ge=60, le=86400)
    offers_max_pushed_per_day: int = Field(default=2, ge=0)
    webhook_url: str | None = None
    webhook_secret: str = "whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ=="  # Standard Webhooks form
    webhook_max_attempts: int = 8
    webhook_backoff_base_seconds: float = 2.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_timeout_seconds: float = 5.0

    # Clients: browsers (CORS), compression, automatic persisted queries, subscriptions,
    # federation. Lists take JSON or commas: CG_CORS_ORIGINS=https://a.example,https://b.example
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    cors_allow_methods: Annotated[tuple[str, ...], NoDecode] = ("GET", "POST")
    cors_allow_headers: Annotated[tuple[str, ...], NoDecode] = (
        "authorization",
        "content-type",
        "accept",
        "idempotency-key",
    )
    cors_allow_credentials: bool = True  # never with the "*" origin
    cors_max_age_seconds: int = 600
    compression_min_bytes: int = 1024  # smaller responses go out as they are; 0 turns it off
    compression_gzip_level: int = Field(default=6, ge=1, le=9)
    compression_brotli_quality: int = Field(default=4, ge=0, le=11)
    apq_enabled: bool = True
    apq_max_entries: int = 10_000  # in-process store, least recently used out first
    apq_ttl_seconds: int = 86_400  # Redis store (redis_url)
    subscriptions_enabled: bool = True
    subscriptions_queue_size: int = 100  # events buffered per subscriber before the oldest drop
    federation_enabled: bool = False  # serve as an Apollo Federation v2 subgraph

    @field_validator("cors_origins", "cors_allow_methods", "cors_allow_headers", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return value

    # hardening
    # Defaults follow graphql-armor's plugins except depth (see SECURITY.md).
    limit_depth: int = 12
    limit_aliases: int = 15
    limit_directives: int = 50
    limit_tokens: int = 1000
    limit_characters: int = 15_000
    limit_cost: int = 5000
    limit_cost_list_size: int = 10  # assumed length of a list without first/last
    limit_body_bytes: int = 262_144
    limit_json_depth: int = Field(default=64, ge=1)  # nesting of JSON bodies and variables
    limit_string_length: int = 1000  # any String/ID argument or input field, in characters
    batch_max_operations: int = 0  # 0 turns batched requests off
    persisted_operations_path: str | None = None  # JSON {sha256: query}: only those run
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_jwks_url: str | None = None
    jwt_jwks_cache_seconds: int = 300
    # redis_url (above, with the gateway settings) also makes rate limits shared
    redis_key_prefix: str = "cg:"
    rate_limit_enabled: bool | None = None  # None: on in production, off in dev
    rate_limit_per_second: float = 20.0
    rate_limit_burst: int = 60
    # Proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated);
    # none by default, so the connection's peer is the client.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        items = value.split(",") if isinstance(value, str) else value
        proxies = tuple(str(item).strip() for item in items or () if str(item).strip())
        for proxy in proxies:
            ipaddress.ip_network(proxy, strict=False)  # a typo fails at start-up, not later
        return proxies

    # background tasks: CG_WORKERS__DELIVER_WEBHOOKS_CRON, CG_WORKERS__CONCURRENCY, ...
    workers: WorkerSettings = Field(default_factory=WorkerSettings)

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION
