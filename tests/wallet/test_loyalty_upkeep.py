"""``usecases.loyalty`` over the native wallet (SQLite and PostgreSQL): matured points are
released, old ones expire, and a second run at the same moment changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from commercegraph.adapters.base import PointsEarning
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.loyalty import PointsMaintained, maintain_points, purge_idempotency
from tests.wallet.audit import audit_ledger
from tests.wallet.conftest import make_customer


async def test_points_are_released_and_expired_once(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    now = utcnow()
    old = PointsEarning(cid, 300, 30_000, "ORDER", now - timedelta(days=340), "u-old", 0, 365)
    await wallet.earn_points(old, "upkeep-old")  # expires in 25 days
    pending = PointsEarning(cid, 100, 10_000, "ORDER", now, "u-now", 30, 365)
    await wallet.earn_points(pending, "upkeep-now")  # available in 30 days
    later = now + timedelta(days=31)
    first = await maintain_points(wallet, later)
    assert first.released_points >= 100 and first.expired_points >= 300
    (loyalty,) = await wallet.loyalty_accounts([cid])
    assert loyalty is not None and loyalty.points == 100 and loyalty.pending_points == 0
    assert await maintain_points(wallet, later) == PointsMaintained(0, 0)
    (again,) = await wallet.loyalty_accounts([cid])
    assert again == loyalty
    await audit_ledger(wallet.store, [cid])


async def test_purge_forgets_only_records_before_the_cut(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    earning = PointsEarning(cid, 10, 1_000, "ORDER", utcnow(), "u-key", 0, 365)
    first = await wallet.earn_points(earning, "upkeep-key")
    assert await purge_idempotency(wallet, utcnow() - timedelta(days=1)) >= 0
    # the key written just now is kept: a retry still answers the first result
    again = await wallet.earn_points(earning, "upkeep-key")
    assert again.replayed and replace(again, replayed=False) == first
    (loyalty,) = await wallet.loyalty_accounts([cid])
    assert loyalty is not None and loyalty.points == 10
