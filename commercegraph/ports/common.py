"""Records every port shares: money in minor units and cursor pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    has_next_page: bool
    end_cursor: str | None
    total_count: int | None = None
    cursors: tuple[str, ...] = ()
    has_previous_page: bool = False
