"""Records of hot reads built once for equal rows, across reads."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

R = TypeVar("R")

RECORDS_KEPT = 20_000  # records a table: up to about 5 MB; past it the table starts over


class RecordTable(Generic[R]):
    """A bounded, process-wide table from a row's values to the frozen record built from
    them, so that a row read again unchanged costs a look-up instead of a record.

    A frozen dataclass with slots sets each field through ``object.__setattr__``: 0.6 us
    for a stock record, more than SQLite takes for its row, and a product page reads eight
    stock rows and four price rows a product, the same ones request after request. Only
    records whose fields are all immutable and compare as their columns' values do (text,
    integers, UTC datetimes, None) belong here: an equal record is then the same answer."""

    def __init__(self, build: Callable[..., R], kept: int = RECORDS_KEPT) -> None:
        self.build = build
        self.kept = kept
        self.records: dict[Hashable, R] = {}

    def record(self, row: tuple[Hashable, ...]) -> R:
        """The record of a row not found in ``records`` (look there first: it is faster)."""
        if len(self.records) >= self.kept:
            self.records.clear()
        record = self.records[row] = self.build(*row)
        return record
