"""Wagtail product pages as ``content.entries``: found by the product's sku, in the locale
asked for, with the same fallback as the native store (exact locale, then another locale of
the same language, then the default locale).

Wagtail's REST API v2 filters a field by one exact value (``?product_sku=SKU``), not by a
list, so a batch costs one request per distinct sku; each request leaves out the locale
filter and brings back every translation of that page at once, so the locale fallback needs
no second round trip. The requests of a batch run concurrently, bounded by the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.adapters.native.content import pick_locale
from commercegraph.adapters.wagtail.client import WagtailClient
from commercegraph.adapters.wagtail.settings import WagtailSettings

PRODUCT = "product"


class WagtailContent:
    name = "wagtail"
    capabilities = frozenset({"content.entries"})

    def __init__(
        self, client: WagtailClient, settings: WagtailSettings, default_locale: str
    ) -> None:
        self.client = client
        self.settings = settings
        self.default_locale = default_locale
        self.gateway_locales = gateway_locales(settings.locales)
        self.fields = ",".join(
            [
                "_",
                settings.title_field,
                settings.key_field,
                settings.body_field,
                settings.images_field,
                "locale",
            ]
        )
        self.in_flight = asyncio.Semaphore(settings.max_connections)

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        skus = list(dict.fromkeys(sku for key in keys if (sku := searchable_sku(key))))
        translations = await asyncio.gather(*(self._translations(sku) for sku in skus))
        by_sku = dict(zip(skus, translations, strict=True))
        results: list[ContentRecord | None] = []
        for key in keys:
            variants = by_sku.get(searchable_sku(key) or "", {})
            locale = pick_locale(list(variants), key.locale, self.default_locale)
            results.append(None if locale is None else variants[locale])
        return results

    async def _translations(self, sku: str) -> dict[str, ContentRecord]:
        """The sku's page in each gateway locale Wagtail holds it in (first page by id)."""
        found: dict[str, ContentRecord] = {}
        offset = 0
        while True:
            params = {
                "type": self.settings.page_type,
                self.settings.key_field: sku,
                "fields": self.fields,
                "order": "id",
                "limit": str(self.settings.page_size),
                "offset": str(offset),
            }
            async with self.in_flight:
                listing = await self.client.pages(params)
            if listing is None:
                return found
            items: list[Any] = listing["items"]
            for item in items:
                if not isinstance(item, dict) or item.get(self.settings.key_field) != sku:
                    continue
                code = str((item.get("meta") or {}).get("locale") or "")
                for locale in self.gateway_locales.get(code, (code,)):
                    found.setdefault(locale, self._record(item, locale))
            offset += len(items)
            total = int((listing.get("meta") or {}).get("total_count") or 0)
            if not items or offset >= total:
                return found

    def _record(self, item: Mapping[str, Any], locale: str) -> ContentRecord:
        return ContentRecord(
            title=str(item.get(self.settings.title_field) or ""),
            body=str(item.get(self.settings.body_field) or ""),
            images=image_urls(item.get(self.settings.images_field)),
            locale=locale,
        )

    async def aclose(self) -> None:
        await self.client.aclose()


def searchable_sku(key: ContentKey) -> str | None:
    """The sku to look for, or None when Wagtail cannot hold the entry: only product pages
    are keyed by sku, and Wagtail refuses a NUL in a filter value (no page can match it)."""
    if key.entity_type != PRODUCT or not key.sku or "\x00" in key.sku:
        return None
    return key.sku


def gateway_locales(locales: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Wagtail language code -> the gateway locales held under it (``de`` -> ``de-DE``);
    a code no gateway locale maps to stands for itself."""
    reverse: dict[str, list[str]] = {}
    for gateway, code in locales.items():
        reverse.setdefault(code, []).append(gateway)
    return {code: tuple(sorted(names)) for code, names in reverse.items()}


def image_urls(value: object) -> tuple[str, ...]:
    """A list of URLs, or of ``{"url": ...}`` objects as an image rendition field gives."""
    if not isinstance(value, list):
        return ()
    urls: list[str] = []
    for entry in value:
        if isinstance(entry, str):
            urls.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("url"), str):
            urls.append(entry["url"])
    return tuple(urls)
