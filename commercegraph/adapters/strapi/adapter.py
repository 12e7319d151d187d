"""Product content from a Strapi collection type, mapped to ``ContentRecord``.

Entries are found by sku (``productSku``) or by the gateway's entity key (``handle``), in
the key's locale, else in another locale of the same language, else in the default locale:
the native store's fallback, asked of Strapi one locale at a time and only for the keys
still unanswered, so a batch in one locale costs one request per ``page_size`` keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.adapters.strapi.client import StrapiClient
from commercegraph.adapters.strapi.errors import StrapiConfigurationError
from commercegraph.adapters.strapi.settings import StrapiSettings

PRODUCT = "product"


def locale_chain(available: Sequence[str], wanted: str, default: str) -> list[str]:
    """The locales to try in turn: the same order of preference as the native store's
    ``pick_locale`` (exact, then the same language in sorted order, then the default)."""
    chain = [wanted] if wanted in available else []
    language = wanted.split("-")[0].lower()
    chain += [
        locale
        for locale in sorted(available)
        if locale.split("-")[0].lower() == language and locale not in chain
    ]
    if default in available and default not in chain:
        chain.append(default)
    return chain


def _images(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    urls = [item.get("url") if isinstance(item, dict) else item for item in value]
    return tuple(url for url in urls if isinstance(url, str))


def to_record(entry: dict[str, Any]) -> ContentRecord:
    return ContentRecord(
        title=str(entry.get("title") or ""),
        body=str(entry.get("body") or ""),
        images=_images(entry.get("images")),
        locale=str(entry["locale"]),
    )


class StrapiContent:
    """``content.entries`` over ``/api/<content_type>``."""

    name = "strapi"
    capabilities = frozenset({"content.entries"})

    def __init__(self, client: StrapiClient, settings: StrapiSettings, default_locale: str) -> None:
        self.client = client
        self.content_type = settings.content_type
        self.key_field = settings.key_field
        self.page_size = settings.page_size
        self.default_locale = default_locale
        self._locales: tuple[str, ...] | None = None

    def _lookup(self, key: ContentKey) -> str | None:
        if key.entity_type != PRODUCT:
            return None
        return key.sku if self.key_field == "productSku" else key.entity_key

    async def locales(self) -> tuple[str, ...]:
        """The locale codes Strapi holds, asked once (locales change with a deploy)."""
        if self._locales is None:
            body = await self.client.get("i18n/locales", {})
            if not isinstance(body, list):
                raise StrapiConfigurationError(
                    "Strapi lists no locales at /api/i18n/locales: enable its i18n plugin"
                )
            self._locales = tuple(str(locale["code"]) for locale in body)
        return self._locales

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        results: list[ContentRecord | None] = [None] * len(keys)
        lookups = [self._lookup(key) for key in keys]
        if not any(lookups):
            return results
        available = await self.locales()
        chains = {
            key.locale: locale_chain(available, key.locale, self.default_locale) for key in keys
        }
        pending = [i for i, value in enumerate(lookups) if value]
        step = 0
        while pending:
            by_locale: dict[str, list[int]] = {}
            for i in pending:
                chain = chains[keys[i].locale]
                if step < len(chain):
                    by_locale.setdefault(chain[step], []).append(i)
            if not by_locale:
                break
            found = await asyncio.gather(
                *(
                    self._find({lookups[i] or "" for i in indices}, locale)
                    for locale, indices in by_locale.items()
                )
            )
            pending = []
            for indices, entries in zip(by_locale.values(), found, strict=True):
                for i in indices:
                    entry = entries.get(lookups[i] or "")
                    if entry is None:
                        pending.append(i)
                    else:
                        results[i] = entry
            step += 1
        return results

    async def _find(self, values: set[str], locale: str) -> dict[str, ContentRecord]:
        ordered = sorted(values)
        pages = [
            ordered[start : start + self.page_size]
            for start in range(0, len(ordered), self.page_size)
        ]
        bodies = await asyncio.gather(*(self._page(page, locale) for page in pages))
        found: dict[str, ContentRecord] = {}
        for body in bodies:
            for entry in (body or {}).get("data") or ():
                value = entry.get(self.key_field)
                if isinstance(value, str) and value in values and value not in found:
                    found[value] = to_record(entry)
        return found

    async def _page(self, values: Sequence[str], locale: str) -> Any:
        params = {f"filters[{self.key_field}][$in][{n}]": value for n, value in enumerate(values)}
        params.update(
            {
                "locale": locale,
                "pagination[page]": "1",
                "pagination[pageSize]": str(self.page_size),
                "pagination[withCount]": "false",
            }
        )
        return await self.client.get(self.content_type, params)

    async def aclose(self) -> None:
        await self.client.aclose()
