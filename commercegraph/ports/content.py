"""Content: entries by content type, key and locale.

Records first, then one Protocol per vendor capability (see
``commercegraph.ports.capabilities``). An adapter implements the Protocols of the
capabilities it declares; reads are batch-shaped (one result per key, in key order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ContentKey:
    entity_type: str  # product | category | placement
    entity_key: str
    locale: str
    # the product's sku, so a content system keyed by sku (not by our ids) can find it
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class ContentRecord:
    title: str
    body: str
    images: tuple[str, ...]
    locale: str


@runtime_checkable
class ContentEntriesPort(Protocol):
    """``content.entries``: Entries by content type, key (or sku) and locale."""

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        """The entry in the key's locale, else in the language's other locale, else None."""
        ...
