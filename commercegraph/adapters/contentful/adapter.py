"""Contentful entries mapped to ``ContentRecord``: products found by their sku field.

One ``GET /entries`` per Contentful locale per batch of skus
(``content_type=<type>&fields.<key field>[in]=a,b&locale=<code>&include=<depth>``), paged
with ``skip`` until ``total`` is reached. Within the space, Contentful applies each
locale's fallback chain itself: a field empty in ``de-CH`` is answered from its fallback
``de-DE`` and so on. A locale the space does not have is first mapped through
``CG_CONTENTFUL__LOCALES``, then falls back to a space locale of the same language, then
to the space's default (as the native content store does); the record names the locale it
was served in. Linked assets (and assets of linked entries) come from ``includes`` and
become ``images``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.adapters.contentful.client import ContentfulClient
from commercegraph.adapters.native.content import pick_locale
from commercegraph.errors import NotFound

if TYPE_CHECKING:
    from commercegraph.adapters.contentful import ContentfulSettings

log = logging.getLogger("commercegraph.adapters.contentful")

MAX_LINK_DEPTH = 10  # the CDA resolves at most ten levels of links
PRODUCT = "product"


@dataclass(frozen=True, slots=True)
class SpaceLocales:
    codes: tuple[str, ...]
    default: str
    fallbacks: dict[str, str | None]


def chunks(values: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def rich_text(node: Any) -> str:
    """Plain text of a Rich Text document: its paragraphs' text, blank-line separated."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    if node.get("nodeType") == "text":
        return str(node.get("value") or "")
    parts = [rich_text(child) for child in node.get("content") or ()]
    joiner = "\n\n" if node.get("nodeType") == "document" else ""
    return joiner.join(part for part in parts if part)


def asset_url(asset: dict[str, Any]) -> str | None:
    file = (asset.get("fields") or {}).get("file")
    if not isinstance(file, dict) or not file.get("url"):
        return None
    kind = str(file.get("contentType") or "image/")
    if not kind.startswith("image/"):
        return None
    url = str(file["url"])
    return "https:" + url if url.startswith("//") else url


class Links:
    """The entries and assets a response carries, by id, to resolve link objects against."""

    def __init__(self, body: dict[str, Any]) -> None:
        includes = body.get("includes") or {}
        self.entries = {
            e["sys"]["id"]: e for e in [*body.get("items", ()), *includes.get("Entry", ())]
        }
        self.assets = {a["sys"]["id"]: a for a in includes.get("Asset", ())}

    def images(self, value: Any, depth: int = 0, seen: frozenset[str] = frozenset()) -> list[str]:
        """Image URLs of a field holding asset or entry links (entries: their assets)."""
        if isinstance(value, list):
            return [url for item in value for url in self.images(item, depth, seen)]
        sys = value.get("sys") if isinstance(value, dict) else None
        if not isinstance(sys, dict) or sys.get("type") != "Link":
            return []
        target = str(sys.get("id"))
        if sys.get("linkType") == "Asset":
            asset = self.assets.get(target)
            url = asset_url(asset) if asset is not None else None
            return [url] if url else []
        entry = self.entries.get(target)
        if entry is None or target in seen or depth >= MAX_LINK_DEPTH:
            return []  # unpublished, beyond the include depth, or a cycle
        return [
            url
            for field in (entry.get("fields") or {}).values()
            for url in self.images(field, depth + 1, seen | {target})
        ]


class ContentfulAdapter:
    capabilities = frozenset({"content.entries"})
    name = "contentful"
    display_name = "contentful:content"

    def __init__(self, client: ContentfulClient, settings: ContentfulSettings) -> None:
        self.client = client
        self.settings = settings
        self._locales: SpaceLocales | None = None
        self._ours = {code: ours for ours, code in settings.locales.items()}

    async def space_locales(self) -> SpaceLocales:
        """The environment's locales, read once (``forget_locales`` drops them)."""
        if self._locales is None:
            body = await self.client.get("/locales", {"limit": "1000"})
            items = body.get("items") or []
            codes = tuple(str(item["code"]) for item in items)
            default = next((str(i["code"]) for i in items if i.get("default")), codes[0])
            fallbacks = {str(i["code"]): i.get("fallbackCode") for i in items}
            self._locales = SpaceLocales(codes, default, fallbacks)
        return self._locales

    def forget_locales(self) -> None:
        self._locales = None

    def contentful_locale(self, locale: str, space: SpaceLocales) -> str | None:
        wanted = self.settings.locales.get(locale, locale)
        return pick_locale(space.codes, wanted, space.default)

    def our_locale(self, code: str) -> str:
        return self._ours.get(code, code)

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        results: list[ContentRecord | None] = [None] * len(keys)
        if not keys:
            return results
        try:
            space = await self.space_locales()
        except NotFound:
            log.warning("contentful: no locales endpoint (space or environment missing)")
            return results
        wanted: dict[str, dict[str, list[int]]] = {}
        for index, key in enumerate(keys):
            if key.entity_type != PRODUCT or not key.sku or "," in key.sku:
                continue  # one content type holds products; a comma cannot go in [in]
            code = self.contentful_locale(key.locale, space)
            if code is not None:
                wanted.setdefault(code, {}).setdefault(key.sku, []).append(index)
        batches = [
            (code, chunk)
            for code, by_sku in wanted.items()
            for chunk in chunks(list(by_sku), self.settings.batch_size)
        ]
        found = await asyncio.gather(*(self._by_sku(code, chunk) for code, chunk in batches))
        for (code, _), records in zip(batches, found, strict=True):
            for sku, record in records.items():
                for index in wanted[code].get(sku, ()):
                    results[index] = record
        return results

    async def _by_sku(self, code: str, skus: Sequence[str]) -> dict[str, ContentRecord]:
        s = self.settings
        params = {
            "content_type": s.content_type,
            f"fields.{s.key_field}[in]": ",".join(skus),
            "locale": code,
            "include": str(s.include),
            "limit": str(s.page_size),
        }
        records: dict[str, ContentRecord] = {}
        skip = 0
        while True:
            try:
                body = await self.client.get("/entries", {**params, "skip": str(skip)})
            except NotFound:
                log.warning("contentful: no entries endpoint for %s (space or environment)", code)
                return records
            links = Links(body)
            items = body.get("items") or []
            for item in items:
                record = self._record(item, links, code)
                sku = (item.get("fields") or {}).get(s.key_field)
                if record is not None and isinstance(sku, str):
                    records.setdefault(sku, record)
            skip += len(items)
            if not items or skip >= int(body.get("total") or 0):
                return records

    def _record(self, item: dict[str, Any], links: Links, code: str) -> ContentRecord | None:
        fields = item.get("fields") or {}
        title = fields.get(self.settings.title_field)
        if not isinstance(title, str) or not title:
            return None  # no title in the locale nor anywhere along its fallback chain
        body = rich_text(fields.get(self.settings.body_field))
        images = links.images(fields.get(self.settings.images_field))
        locale = str((item.get("sys") or {}).get("locale") or code)
        return ContentRecord(title, body, tuple(dict.fromkeys(images)), self.our_locale(locale))

    async def aclose(self) -> None:
        await self.client.aclose()
