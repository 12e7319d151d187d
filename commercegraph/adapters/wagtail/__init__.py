"""The ``wagtail`` adapter: ``content.entries`` from a Wagtail site's REST API v2.

``CG_ADAPTERS__CONTENT=wagtail`` with ``CG_WAGTAIL__URL=http://127.0.0.1:8000``; see
``docs/adapters/wagtail.md``.
"""

from __future__ import annotations

from commercegraph.adapters.wagtail.adapter import WagtailContent
from commercegraph.adapters.wagtail.client import WagtailClient
from commercegraph.adapters.wagtail.settings import WagtailSettings
from commercegraph.config import Settings
from commercegraph.store.db import Store


def create_adapter(
    domain: str, settings: Settings, store: Store, wagtail: WagtailSettings
) -> WagtailContent:
    """Entry point ``commercegraph.adapters: wagtail``; the store is not used."""
    if domain != "content":
        raise ValueError(f"the wagtail adapter serves content only, not {domain}")
    client = WagtailClient(
        wagtail.url,
        timeout_ms=wagtail.timeout_ms,
        connect_timeout_ms=wagtail.connect_timeout_ms,
        max_connections=wagtail.max_connections,
    )
    return WagtailContent(client, wagtail, settings.default_locale)


create_adapter.settings_model = WagtailSettings  # type: ignore[attr-defined]

__all__ = ["WagtailClient", "WagtailContent", "WagtailSettings", "create_adapter"]
