"""The ``strapi`` adapter: product content (``content.entries``) from a Strapi 5 server.

``CG_ADAPTERS__CONTENT=strapi`` with ``CG_STRAPI__URL=http://127.0.0.1:1337`` and
``CG_STRAPI__TOKEN=<API token>``; ``commercegraph backends vendor start strapi`` runs one.
"""

from __future__ import annotations

from commercegraph.adapters.strapi.adapter import StrapiContent
from commercegraph.adapters.strapi.client import StrapiClient
from commercegraph.adapters.strapi.settings import StrapiSettings
from commercegraph.config import Settings
from commercegraph.store.db import Store


def create_adapter(
    domain: str, settings: Settings, store: Store, strapi: StrapiSettings
) -> StrapiContent:
    """Entry point ``commercegraph.adapters: strapi``; the store is not used."""
    if domain != "content":
        from commercegraph.adapters.registry import AdapterConfigError

        raise AdapterConfigError(
            f"CG_ADAPTERS__{domain.upper()}=strapi: the strapi adapter serves content only"
        )
    return StrapiContent(StrapiClient(strapi), strapi, settings.default_locale)


create_adapter.settings_model = StrapiSettings  # type: ignore[attr-defined]

__all__ = ["StrapiClient", "StrapiContent", "StrapiSettings", "create_adapter"]
