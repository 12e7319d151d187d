"""Native content backend: CMS entries by entity and locale, with locale fallback."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.config import Settings
from commercegraph.store import models as m
from commercegraph.store.db import Store


def pick_locale(available: Sequence[str], wanted: str, default: str) -> str | None:
    """Exact locale, then the same language, then the default locale, else None."""
    if wanted in available:
        return wanted
    language = wanted.split("-")[0].lower()
    for locale in sorted(available):
        if locale.split("-")[0].lower() == language:
            return locale
    return default if default in available else None


class NativeContent:
    name = "native"

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.default_locale = settings.default_locale

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        entities = {(k.entity_type, k.entity_key) for k in keys}
        by_entity: dict[tuple[str, str], dict[str, m.ContentEntry]] = {}
        async with self.store.read() as session:
            await self._load(session, entities, by_entity)
            # A product from another commerce system carries that system's id: find the
            # gateway's own entry through the sku both know.
            by_sku = {
                k.sku
                for k in keys
                if k.entity_type == "product"
                and k.sku
                and (k.entity_type, k.entity_key) not in by_entity
            }
            own_ids: dict[str, str] = {}
            if by_sku:
                found = await session.execute(
                    select(m.Product.sku, m.Product.id).where(m.Product.sku.in_(by_sku))
                )
                own_ids = {sku: product_id for sku, product_id in found}
                await self._load(session, {("product", i) for i in own_ids.values()}, by_entity)
        results: list[ContentRecord | None] = []
        for key in keys:
            variants = by_entity.get((key.entity_type, key.entity_key))
            if variants is None and key.sku in own_ids:
                variants = by_entity.get(("product", own_ids[key.sku]))
            locale = pick_locale(list(variants or {}), key.locale, self.default_locale)
            if variants is None or locale is None:
                results.append(None)
                continue
            e = variants[locale]
            results.append(ContentRecord(e.title, e.body, tuple(e.images or ()), e.locale))
        return results

    @staticmethod
    async def _load(
        session: AsyncSession,
        entities: set[tuple[str, str]],
        into: dict[tuple[str, str], dict[str, m.ContentEntry]],
    ) -> None:
        if not entities:
            return
        rows = await session.scalars(
            select(m.ContentEntry).where(
                tuple_(m.ContentEntry.entity_type, m.ContentEntry.entity_key).in_(entities)
            )
        )
        for row in rows:
            into.setdefault((row.entity_type, row.entity_key), {})[row.locale] = row
