"""Records of equal rows are built once, in a table that stays within its bound."""

from __future__ import annotations

from commercegraph.adapters.native.records import RecordTable
from commercegraph.ports.inventory import StockRecord


def test_an_equal_row_gets_the_record_built_for_it() -> None:
    table = RecordTable(StockRecord)
    first = table.record(("SKU-1", "WH-1", 5, 1, 0))
    assert first == StockRecord("SKU-1", "WH-1", 5, 1, 0)
    assert table.records.get(("SKU-1", "WH-1", 5, 1, 0)) is first
    assert table.records.get(("SKU-1", "WH-1", 4, 1, 0)) is None  # stock moved: a new row


def test_the_table_starts_over_at_its_bound() -> None:
    table = RecordTable(StockRecord, kept=3)
    for n in range(7):
        table.record(("SKU-1", f"WH-{n}", n, 0, 0))
        assert len(table.records) <= 3
    assert table.records.get(("SKU-1", "WH-6", 6, 0, 0)) == StockRecord("SKU-1", "WH-6", 6, 0, 0)
