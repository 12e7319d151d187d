"""Native content backend: CMS entries by entity and locale, with locale fallback."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, tuple_

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
        async with self.store.read() as session:
            rows = await session.scalars(
                select(m.ContentEntry).where(
                    tuple_(m.ContentEntry.entity_type, m.ContentEntry.entity_key).in_(entities)
                )
            )
            by_entity: dict[tuple[str, str], dict[str, m.ContentEntry]] = {}
            for row in rows:
                by_entity.setdefault((row.entity_type, row.entity_key), {})[row.locale] = row
        results: list[ContentRecord | None] = []
        for key in keys:
            variants = by_entity.get((key.entity_type, key.entity_key), {})
            locale = pick_locale(list(variants), key.locale, self.default_locale)
            if locale is None:
                results.append(None)
                continue
            e = variants[locale]
            results.append(ContentRecord(e.title, e.body, tuple(e.images or ()), e.locale))
        return results
