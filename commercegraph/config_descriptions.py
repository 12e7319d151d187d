"""What each setting means, for settings whose model field has no ``description``.

Keys are field paths; ``<domain>`` stands for each of the six domains. A setting with neither
a ``Field(description=...)`` nor an entry here fails the configuration-reference test.
"""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "env": "`dev` or `production`. Production refuses dev secrets and dev tokens, hides "
    "GraphiQL and introspection, and turns rate limits on.",
    "database_url": "The gateway's store: SQLite (`sqlite+aiosqlite:///path.db`) or "
    "PostgreSQL (`postgresql+asyncpg://user@host/db`).",
    "jwt_secret": "HMAC key of bearer tokens (HS256). Set a long random value in production.",
    "jwt_issuer": "`iss` claim issued and required.",
    "jwt_audience": "`aud` claim issued and required.",
    "token_ttl_seconds": "Lifetime of tokens from `commercegraph token` when `--ttl` is not given.",
    "adapters.<domain>": "Which adapter serves the domain: `native` (the gateway's own "
    "store), `rest` (the REST contract) or an adapter registered by entry point. An "
    "adapter that declares capabilities serves those; the native store serves the rest.",
    "capabilities": "JSON object naming the adapter for single capabilities, overriding the "
    'domain\'s adapter: `{"commerce.carts": "native"}` keeps carts in the gateway\'s '
    "store beside a vendor's catalog. Keys are listed in the architecture docs.",
    "default_currency": "ISO 4217 currency of prices and figures when a request names none.",
    "default_locale": "Content locale when a request names none.",
    "log_level": "Level of the JSON logs on stderr.",
    "max_page_size": "Largest `first`/`last` a connection accepts.",
    "pickup_radius_km": "How far a store may be for click-and-collect suggestions.",
    "db_pool_size": (
        "Connections per process to PostgreSQL (as many again may overflow); "
        "SQLite keeps three times as many. Up to half of them stay open for the "
        "native reads of every request; sessions and writes use the rest."
    ),
    "rest.<domain>.url": "Base URL of the domain's REST backend (with the `rest` adapter).",
    "rest.<domain>.token": "Bearer token sent to that backend.",
    "rest.<domain>.connect_timeout_ms": "Time allowed to open a connection to it.",
    "rest.<domain>.max_connections": "Pooled HTTP connections to it.",
    "rest.<domain>.erasure": (
        "The backend erases a customer's personal data on `POST /privacy/erasure`; "
        "`requestErasure` forwards to it."
    ),
    "resilience.<domain>.timeout_ms": "Budget of one read call, retries included.",
    "resilience.<domain>.write_timeout_ms": "Budget of one write call.",
    "resilience.<domain>.retries": "Retries of a failed read (writes are never retried).",
    "resilience.<domain>.retry_base_ms": "First backoff ceiling; doubles per attempt, full jitter.",
    "resilience.<domain>.retry_max_ms": "Largest backoff between retries.",
    "resilience.<domain>.failure_threshold": "Consecutive failures that open the circuit.",
    "resilience.<domain>.reset_after_s": "How long an open circuit fails fast before one "
    "probe call.",
    "resilience.<domain>.max_concurrency": "Calls in flight to the backend; more wait.",
    "faults": "Injected faults for drills, e.g. `content:latency_ms=50;pricing:error_rate=1.0`.",
    "redis_url": "Redis for the shared cache, rate limits and other cross-replica state.",
    "cache_ttl_seconds": "How long read-mostly data (catalog, content, stores) is cached; 0 "
    "turns the cache off.",
    "cache_prefix": "Key prefix of the cache in Redis.",
    "fulfillment_sources": "Per channel, the location kinds or ids that ship its orders, in "
    "order of preference (JSON).",
    "reservation_ttl_seconds": "How long checkout holds stock before the hold expires.",
    "bundle_min_support": "Share of orders a mined bundle must appear in.",
    "bundle_min_lift": "How much likelier than chance a mined pair or triple must be.",
    "bundle_min_orders": "Orders a mined bundle must appear in.",
    "bundle_max_mined": "Most mined bundles kept.",
    "bundle_mined_discount_percent": "Discount of a mined bundle.",
    "bundle_history_days": "Order history that bundle mining reads.",
    "checkout_pay_at_pickup": "Pay at pickup: per channel, the store ids (or `*` for every "
    "pickup store) where an order may be placed unpaid and paid at the store (JSON).",
    "checkout_max_unpaid_orders": "Open pay-at-pickup orders a customer may have.",
    "checkout_max_unpaid_units": "Units across a customer's open pay-at-pickup orders.",
    "checkout_max_line_quantity": "Units of one SKU per order.",
    "checkout_lease_seconds": "How long a checkout's runner holds it; after that recovery "
    "takes over the checkout of a dead process.",
    "checkout_wait_seconds": "How long a duplicate checkout request waits for the first.",
    "checkout_crash_after": "Crash drills only (dev): exit right after this checkout step is "
    "recorded (`HELD`, `PAID`, `PLACED`, `COMMITTED`).",
    "limit_json_depth": "Deepest nesting of a JSON body, of `variables` and `extensions`.",
    "limit_string_length": "Characters in any String or ID argument or input field.",
    "trusted_proxies": "Proxies whose `X-Forwarded-For` is believed (addresses or CIDRs, "
    "comma-separated); none by default, so the connection's peer is the client.",
    "events_api_keys": "Channel API keys for `POST /events`: JSON `{key: channel}`.",
    "events_max_batch": "Events per request.",
    "events_max_body_bytes": "Largest `POST /events` body.",
    "events_max_age_days": "How old an event may be (a store may upload days late).",
    "events_max_clock_skew_seconds": "How far ahead of the gateway's clock an event may be.",
    "wallet_max_top_up": "Largest top-up, in minor units.",
    "wallet_max_payment_methods": "Stored payment methods per customer.",
    "loyalty_expiring_soon_days": "Window of `expiringSoon` points.",
    "wallet_idempotency_retention_hours": "How long idempotency keys of wallet writes are "
    "kept (at least 24).",
    "reco_up_sell_max_ratio": "Up-sell price cap relative to the anchor product.",
    "reco_up_sell_max_ratio_price_sensitive": "The same cap for price-sensitive segments.",
    "reco_cross_sell_max_ratio": "Cross-sell price cap relative to the anchor product.",
    "reco_cross_sell_max_ratio_price_sensitive": "The same cap for price-sensitive segments.",
    "reco_price_sensitive_segments": "Segments that get the tighter caps (JSON list).",
    "reco_premium_segments": "Segments shown higher-tier upgrades first (JSON list).",
    "replenishment_due_window_days": "How soon a repeat purchase counts as `dueSoon`.",
    "ltv_min_repeat_buyers": "Customers with a repeat purchase needed before the lifetime-value "
    "models (BG/NBD, Gamma-Gamma) are fitted and predict; fewer leave the predictions empty.",
    "offers_abandoned_cart_hours": "Idle time before a cart counts as abandoned.",
    "offers_max_new_marketing_per_day": "New marketing offers per customer per 24 hours.",
    "offers_store_radius_km": "How near a store must be for store offers.",
    "store_payment_code_ttl_seconds": "How long an in-store payment code can be redeemed.",
    "exit_code_ttl_seconds": "How long a scan-and-go exit code is accepted at the door.",
    "offers_max_pushed_per_day": "Offers `offers dispatch` pushes per customer per day, "
    "highest priority first.",
    "webhook_url": "Where offers are pushed; unset means no webhook deliveries.",
    "webhook_secret": "Signing key of webhooks, `whsec_<base64>` (Standard Webhooks).",
    "webhook_max_attempts": "Attempts before a delivery is `FAILED`.",
    "webhook_backoff_base_seconds": "First retry delay; doubles per attempt, half jittered.",
    "webhook_backoff_max_seconds": "Longest retry delay.",
    "webhook_timeout_seconds": "Time allowed for one delivery attempt.",
    "limit_depth": "Deepest selection a GraphQL operation may have.",
    "limit_aliases": "Aliases per operation.",
    "limit_directives": "Directives per operation.",
    "limit_tokens": "Lexical tokens per document.",
    "limit_characters": "Characters per document.",
    "limit_cost": "Estimated cost per operation (see the cost model in SECURITY.md).",
    "limit_cost_list_size": "Assumed length of a list field without `first`/`last`.",
    "limit_body_bytes": "Largest `/graphql` request body.",
    "batch_max_operations": "Operations per batched request; 0 turns batching off.",
    "persisted_operations_path": "JSON file `{sha256: query}`: when set, only those "
    "operations run.",
    "jwt_algorithm": "`HS256` (shared secret) or `RS256` (keys from `CG_JWT_JWKS_URL`).",
    "jwt_jwks_url": "JWKS of the identity provider, for RS256 tokens.",
    "jwt_jwks_cache_seconds": "How long fetched keys are kept.",
    "redis_key_prefix": "Key prefix of the gateway's other state in Redis.",
    "rate_limit_enabled": "Rate limits on or off; unset means on in production only.",
    "rate_limit_per_second": "Requests per second per caller, sustained.",
    "rate_limit_burst": "Requests a caller may send at once above the sustained rate.",
    "cors_origins": "Browser origins that may call the gateway (JSON list or commas); CORS is "
    "off while it is empty.",
    "cors_allow_methods": "Methods a CORS preflight allows.",
    "cors_allow_headers": "Request headers a CORS preflight allows.",
    "cors_allow_credentials": "Whether the listed origins may send credentials (never with `*`).",
    "cors_max_age_seconds": "How long a browser may cache a preflight answer.",
    "compression_min_bytes": "Responses at least this big are sent brotli- or gzip-compressed, "
    "as the client accepts; `0` turns compression off.",
    "compression_gzip_level": "gzip effort (1-9).",
    "compression_brotli_quality": "brotli effort (0-11).",
    "apq_enabled": "Automatic persisted queries (Apollo's protocol); off while a trusted-document "
    "allow-list is configured.",
    "apq_max_entries": "Queries the in-process APQ store keeps, least recently used out first.",
    "apq_ttl_seconds": "How long a persisted query lives in Redis (with `CG_REDIS_URL`).",
    "subscriptions_enabled": "Subscriptions over graphql-transport-ws (/graphql) and "
    "server-sent events (/graphql/stream).",
    "subscriptions_queue_size": "Events buffered per subscriber before the oldest are dropped.",
    "federation_enabled": "Serve the graph as an Apollo Federation v2 subgraph (`_service`, "
    "`_entities`, `@key` on Product, Customer, Order and Store).",
    "workers.deliver_webhooks_cron": "Schedule of webhook delivery (cron, six fields with "
    "seconds last; empty turns the task off).",
    "workers.release_reservations_cron": "Schedule of the expired-reservation sweep.",
    "workers.recover_checkouts_cron": "Schedule of checkout recovery (finish or undo checkouts "
    "a dead runner left).",
    "workers.loyalty_maintenance_cron": "Schedule of releasing matured and expiring old points.",
    "workers.purge_idempotency_cron": "Schedule of forgetting idempotency keys past retention.",
    "workers.refresh_segments_cron": "Schedule of the segment and lifetime-value refresh.",
    "workers.refresh_changed_segments_cron": "Schedule of the incremental refresh: customers "
    "with orders or events newer than their figures, against the last full fit.",
    "workers.mine_bundles_cron": "Schedule of mining frequently-bought-together bundles.",
    "workers.fill_deliveries_cron": "Schedule of filling the carts of due delivery "
    "subscriptions (each due date once).",
    "workers.dispatch_offers_cron": "Schedule of pushing the day's offers as webhooks.",
    "workers.max_attempts": "Tries of one job before it stays failed for an operator.",
    "workers.retry_wait_seconds": "First wait before a retry; it doubles on each try.",
    "workers.concurrency": "Jobs one worker process runs at once.",
    "workers.queue": "The job queue's name in the job tables.",
}
