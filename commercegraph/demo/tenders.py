"""The demo's exchange rates: the rate its EUR price book was derived at (0.92 EUR per USD),
so a EUR order paid from a USD wallet converts at the same rate the shelf prices use."""

from __future__ import annotations

from datetime import datetime

from commercegraph.demo.constants import Row
from commercegraph.demo.inventory import EUR_PER_USD_PERCENT

DEMO_RATE_SOURCE = "demo price book"


def exchange_rate_rows(now: datetime) -> list[Row]:
    eur_to_usd = (100 * 1_000_000 + EUR_PER_USD_PERCENT // 2) // EUR_PER_USD_PERCENT
    return [
        {
            "base": "EUR",
            "quote": "USD",
            "rate_micros": eur_to_usd,  # 1 EUR = 1.086957 USD
            "source": DEMO_RATE_SOURCE,
            "as_of": now,
        },
        {
            "base": "USD",
            "quote": "EUR",
            "rate_micros": EUR_PER_USD_PERCENT * 10_000,  # 1 USD = 0.92 EUR
            "source": DEMO_RATE_SOURCE,
            "as_of": now,
        },
    ]
