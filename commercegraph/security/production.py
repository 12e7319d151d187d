"""Production refuses to start on secrets anyone can read: unset, a known default, or short.

The defaults in ``config.py`` are public (they are in the repository), so a token signed
with one is a token anyone can mint. Each process checks the secrets it will use itself.
"""

from __future__ import annotations

from commercegraph.config import Settings

MIN_SECRET_BYTES = 32  # 256 bits: the HMAC-SHA256 key size; shorter keys can be brute-forced

# Defaults and placeholders published with the project; never acceptable in production.
_PUBLISHED = frozenset(
    {
        str(Settings.model_fields["jwt_secret"].default),
        str(Settings.model_fields["webhook_secret"].default),
        "change-me",
        "changeme",
        "secret",
    }
)


class InsecureConfiguration(Exception):
    """A production setting that must not be used; the message is one line for the log."""


def _check(variable: str, value: str | None) -> None:
    if not value:
        raise InsecureConfiguration(f"{variable} is not set; production needs a random secret")
    if value in _PUBLISHED:
        raise InsecureConfiguration(f"{variable} is a published default; set a random secret")
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise InsecureConfiguration(
            f"{variable} is shorter than {MIN_SECRET_BYTES} bytes; set a longer random secret"
        )


def signs_with_jwt_secret(settings: Settings) -> bool:
    """HS256 tokens are verified with it, and the shared Redis cache signs its entries."""
    redis_cache = bool(settings.redis_url) and settings.cache_ttl_seconds > 0
    return settings.jwt_algorithm == "HS256" or redis_cache


def require_secrets(settings: Settings, *, gateway: bool = True, webhooks: bool = True) -> None:
    """Raise ``InsecureConfiguration`` in production when a secret in use is unsafe.

    ``gateway`` covers what the app uses (bearer tokens, cache signing); ``webhooks`` covers
    the webhook signing key, which counts only once a webhook URL is configured.
    """
    if not settings.is_production:
        return
    if gateway and signs_with_jwt_secret(settings):
        _check("CG_JWT_SECRET", settings.jwt_secret)
    if webhooks and settings.webhook_url:
        _check("CG_WEBHOOK_SECRET", settings.webhook_secret)
