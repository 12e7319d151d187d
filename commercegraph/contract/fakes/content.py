"""The content port in memory: entries by entity and locale, with language fallback."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.contract.fixture import ContractFixture


class FakeContent:
    capabilities = frozenset({"content.entries"})

    def __init__(self, entries: dict[tuple[str, str, str], ContentRecord]) -> None:
        self.entries_by_key = entries  # (entity type, entity key, locale) -> entry

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeContent:
        return cls({
            ("product", fx.product_id, fx.locale): ContentRecord("Runner", "Light.", (), fx.locale),
            ("product", fx.product_id, "de-DE"): ContentRecord("Läufer", "Leicht.", (), "de-DE"),
        })  # fmt: skip

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        found: list[ContentRecord | None] = []
        for key in keys:
            exact = self.entries_by_key.get((key.entity_type, key.entity_key, key.locale))
            language = key.locale.split("-")[0]
            fallback = next(
                (e for (kind, entity, locale), e in self.entries_by_key.items()
                 if (kind, entity) == (key.entity_type, key.entity_key)
                 and locale.split("-")[0] == language),
                None,
            )  # fmt: skip
            found.append(exact or fallback)
        return found
