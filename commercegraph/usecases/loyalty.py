"""Loyalty upkeep over the wallet port: points that matured are released, points past
their life expire (oldest first), and idempotency records past retention are forgotten.
Each step is safe to run again and beside itself (``commercegraph loyalty-maintenance``
and the worker's ``loyalty_maintenance`` and ``purge_idempotency`` jobs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commercegraph.adapters.base import WalletBackend
from commercegraph.progress import progress


@dataclass(frozen=True, slots=True)
class PointsMaintained:
    released_points: int
    expired_points: int


async def maintain_points(
    wallet: WalletBackend, now: datetime, *, steps: int = 2
) -> PointsMaintained:
    """Release the points matured by ``now``, then expire those past their life;
    ``steps``: how many steps the caller's progress counts in all."""
    progress("releasing matured points", 0, steps)
    released = await wallet.release_pending_points(now)
    progress("expiring points", 1, steps)
    expired = await wallet.expire_points(now)
    return PointsMaintained(released, expired)


async def purge_idempotency(wallet: WalletBackend, before: datetime) -> int:
    """Forget the idempotency records written before ``before``; answers how many."""
    return await wallet.purge_idempotency_records(before)
