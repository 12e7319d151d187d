"""Base-price selection: the most specific valid row for channel, group and quantity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commercegraph.adapters.base import PriceRow


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
    candidates = [  # the validity test inline: this runs for every row of every product
        r
        for r in rows
        if (r.valid_from is None or r.valid_from <= now)
        and (r.valid_until is None or now < r.valid_until)
        and r.min_quantity <= quantity
        and (r.channel is None or r.channel == channel)
        and (r.customer_group is None or r.customer_group == customer_group)
    ]
    if not candidates:
        return None
    if len(candidates) == 1:  # the most common case: no key to work out
        return candidates[0]
    return min(
        candidates,
        key=lambda r: (
            r.customer_group is None,
            r.channel is None,
            -r.min_quantity,
            r.amount,
        ),
    )
