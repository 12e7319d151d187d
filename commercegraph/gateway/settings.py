"""Gateway-core settings per domain: REST endpoints and resilience policies.

Read by ``commercegraph.config.Settings`` as ``CG_REST__<DOMAIN>__URL`` and
``CG_RESILIENCE__<DOMAIN>__TIMEOUT_MS`` and the like.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TIMEOUT_MS = 2_000  # a backend slower than this costs its fields, not the response
DEFAULT_WRITE_TIMEOUT_MS = (
    10_000  # a write abandoned midway leaves its outcome unknown: wait longer
)
# The native adapter is the gateway's own database, not a remote system: under a burst of
# writers it waits as long as SQLite's busy timeout rather than fail reads that would succeed.
EMBEDDED_TIMEOUT_MS = 30_000
DEFAULT_RETRIES = 2  # three tries ride out a dropped connection without tripling tail latency
DEFAULT_RETRY_BASE_MS = 20  # first backoff ceiling; doubles per attempt under full jitter
DEFAULT_RETRY_MAX_MS = 200  # backoff never exceeds this, so retries fit in one timeout
DEFAULT_FAILURE_THRESHOLD = 5  # consecutive failures before the circuit opens
DEFAULT_RESET_AFTER_S = 10.0  # how long an open circuit fails fast before one probe
DEFAULT_MAX_CONCURRENCY = 64  # in-flight calls per backend; more wait rather than pile on
DEFAULT_MAX_CONNECTIONS = 32  # pooled HTTP connections per REST backend


class BackendPolicy(BaseModel):
    timeout_ms: int = Field(default=DEFAULT_TIMEOUT_MS, gt=0)
    write_timeout_ms: int = Field(default=DEFAULT_WRITE_TIMEOUT_MS, gt=0)
    retries: int = Field(default=DEFAULT_RETRIES, ge=0, le=5)
    retry_base_ms: int = Field(default=DEFAULT_RETRY_BASE_MS, ge=0)
    retry_max_ms: int = Field(default=DEFAULT_RETRY_MAX_MS, ge=0)
    failure_threshold: int = Field(default=DEFAULT_FAILURE_THRESHOLD, ge=1)
    reset_after_s: float = Field(default=DEFAULT_RESET_AFTER_S, gt=0)
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1)

    def for_adapter(self, adapter: str) -> BackendPolicy:
        """The policy for this adapter: timeouts not set explicitly follow its kind."""
        if adapter != "native":
            return self
        unset = {"timeout_ms", "write_timeout_ms"} - self.model_fields_set
        return self.model_copy(update=dict.fromkeys(unset, EMBEDDED_TIMEOUT_MS))


class ResilienceSettings(BaseModel):
    """``CG_RESILIENCE__PRICING__TIMEOUT_MS=500`` and so on, per domain."""

    commerce: BackendPolicy = BackendPolicy()
    content: BackendPolicy = BackendPolicy()
    customer: BackendPolicy = BackendPolicy()
    pricing: BackendPolicy = BackendPolicy()
    inventory: BackendPolicy = BackendPolicy()
    wallet: BackendPolicy = BackendPolicy()

    def for_domain(self, domain: str) -> BackendPolicy:
        policy: BackendPolicy = getattr(self, domain)
        return policy


class RestBackend(BaseModel):
    url: str | None = None
    token: str | None = None  # sent as a bearer token when set
    connect_timeout_ms: int = Field(default=1_000, gt=0)
    max_connections: int = Field(default=DEFAULT_MAX_CONNECTIONS, ge=1)
    erasure: bool = False  # the backend serves POST /privacy/erasure


class RestSettings(BaseModel):
    """``CG_REST__CONTENT__URL=http://127.0.0.1:9101`` and so on, per domain."""

    commerce: RestBackend = RestBackend()
    content: RestBackend = RestBackend()
    customer: RestBackend = RestBackend()
    pricing: RestBackend = RestBackend()
    inventory: RestBackend = RestBackend()
    wallet: RestBackend = RestBackend()

    def for_domain(self, domain: str) -> RestBackend:
        backend: RestBackend = getattr(self, domain)
        return backend


class OtelSettings(BaseSettings):
    """The standard ``OTEL_*`` exporter choices; the OTLP exporters read the rest themselves."""

    model_config = SettingsConfigDict(env_prefix="OTEL_", extra="ignore", frozen=True)

    traces_exporter: str = Field(
        default="none", description="Where spans go: none, console or otlp."
    )
    metrics_exporter: str = Field(
        default="none",
        description="Where metrics are pushed besides /metrics: none, console or otlp.",
    )
    exporter_otlp_protocol: str = Field(
        default="http/protobuf", description="OTLP transport: http/protobuf or grpc."
    )
    semconv_stability_opt_in: str = Field(
        default="http,database",
        description="Semantic-convention versions the instrumentations emit; the default "
        "is the stable HTTP and database conventions (durations in seconds).",
    )
    python_disabled_instrumentations: str = Field(
        default="",
        description="Comma-separated instrumentations to leave off: httpx, sqlalchemy, redis.",
    )
