"""Base-price selection: the most specific valid row for channel, group and quantity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commercegraph.adapters.base import PriceRow


def _is_valid(row: PriceRow, now: datetime) -> bool:
    return (row.valid_from is None or row.valid_from <= now) and (
        row.valid_until is None or now < row.valid_until
    )


def select_base_price(
    rows: Sequence[PriceRow],
    *,
    channel: str | None,
    customer_group: str | None,
    quantity: int,
    now: datetime,
) -> PriceRow | None:
    """The unit price row that applies, or None.

    Rows for another channel or group never apply; among the rest the most specific wins
    (group, then channel), then the highest quantity tier reached, then the lowest amount.
    """
    candidates = [
        r
        for r in rows
        if _is_valid(r, now)
        and r.min_quantity <= quantity
        and (r.channel is None or r.channel == channel)
        and (r.customer_group is None or r.customer_group == customer_group)
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda r: (
            r.customer_group is None,
            r.channel is None,
            -r.min_quantity,
            r.amount,
        ),
    )
