"""Stock jobs over the inventory port.

``release_expired`` gives back stock held by checkouts that never finished
(``commercegraph release-reservations``; checkout also sweeps the skus it touches).
"""

from __future__ import annotations

from datetime import datetime

from commercegraph.adapters.base import InventoryBackend


async def release_expired(inventory: InventoryBackend, now: datetime) -> int:
    released = 0
    while batch := await inventory.release_expired(now, limit=1000):
        released += batch
    return released
