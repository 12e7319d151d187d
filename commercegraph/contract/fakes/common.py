"""What the fakes share: a fixed clock origin and index-cursor paging."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def page_indexes(items: Sequence[object], first: int, after: str | None) -> tuple[list[int], bool]:
    """The indexes of the page after cursor ``after`` (an index) and whether more follow."""
    start = int(after) + 1 if after else 0
    chosen = list(range(start, min(start + first, len(items))))
    return chosen, start + first < len(items)
