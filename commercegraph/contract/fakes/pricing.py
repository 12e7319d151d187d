"""The pricing port in memory: base price rows by sku and currency."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import PriceRow
from commercegraph.contract.fixture import ContractFixture


class FakePricing:
    capabilities = frozenset({"pricing.prices"})

    def __init__(self, rows: Sequence[PriceRow]) -> None:
        self.rows = list(rows)

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakePricing:
        return cls([
            PriceRow(fx.sku, fx.currency, 12_900, None, None, 1, None, None),
            PriceRow(fx.sku, fx.currency, 11_900, "MOBILE_APP", None, 1, None, None),
            PriceRow(fx.sku, "EUR", 11_900, None, None, 1, None, None, tax_included=True),
        ])  # fmt: skip

    async def price_rows(self, keys: Sequence[tuple[str, str]]) -> list[list[PriceRow]]:
        return [[r for r in self.rows if (r.sku, r.currency) == key] for key in keys]
