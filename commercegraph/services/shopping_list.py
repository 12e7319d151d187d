"""The smart shopping list: what the customer listed plus what is due again.

A dismissed inferred item stays hidden until the customer buys it again: the next
purchase starts a new cycle, and the list may suggest it once more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from commercegraph.adapters.base import ShoppingListEntryRecord
from commercegraph.services.replenishment import ReplenishmentEstimate

EXPLICIT, REPLENISHMENT = "EXPLICIT", "REPLENISHMENT"
LISTED, DISMISSED = "LISTED", "DISMISSED"


@dataclass(frozen=True, slots=True)
class ListItem:
    sku: str
    quantity: int
    source: str
    estimate: ReplenishmentEstimate | None
    due_soon: bool


def compose(
    entries: Sequence[ShoppingListEntryRecord],
    estimates: Mapping[str, ReplenishmentEstimate],
    *,
    now: datetime,
    window: timedelta,
) -> list[ListItem]:
    listed = {e.sku: e for e in entries if e.status == LISTED}
    dismissed = {e.sku: e.updated_at for e in entries if e.status == DISMISSED}
    items = [
        ListItem(
            sku=e.sku,
            quantity=e.quantity,
            source=EXPLICIT,
            estimate=estimates.get(e.sku),
            due_soon=bool(estimates.get(e.sku) and estimates[e.sku].due_soon(now, window)),
        )
        for e in listed.values()
    ]
    for sku, est in estimates.items():
        if sku in listed or (sku in dismissed and dismissed[sku] >= est.last_purchased_at):
            continue
        items.append(
            ListItem(
                sku=sku,
                quantity=est.typical_quantity,
                source=REPLENISHMENT,
                estimate=est,
                due_soon=est.due_soon(now, window),
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda i: (i.estimate.next_due_at if i.estimate else far, i.sku))
    return items
