"""The native wallet's hot reads, on SQLite and PostgreSQL: a member's loyalty figures come
from their loyalty row, their points account and their lots, read in one statement."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
import pytest_asyncio

from commercegraph.adapters.base import PointsEarning
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.config import Settings
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from tests.factories import demo_database, store_for
from tests.wallet.conftest import make_customer


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_database(request.param, tmp_path_factory.mktemp("reads"), customers=None) as db:
        yield db.url


@pytest_asyncio.fixture
async def wallet(url: str) -> AsyncIterator[NativeWallet]:
    store: Store = store_for(url)
    yield NativeWallet(store, Settings(database_url=url, loyalty_expiring_soon_days=30))
    await store.dispose()


async def test_loyalty_counts_points_past_their_date_and_those_expiring_soon(
    wallet: NativeWallet,
) -> None:
    member, spender, stranger = [await make_customer(wallet.store) for _ in range(3)]
    now = utcnow()

    def earning(cid: str, points: int, days_ago: int, pending_days: int = 0) -> PointsEarning:
        when = now - timedelta(days=days_ago)
        return PointsEarning(cid, points, points * 100, "ORDER", when, None, pending_days, 365)

    # the newest first: each earning posts the expiries due at its own moment
    await wallet.earn_points(earning(member, 100, 0, pending_days=30), "reads-pending")
    await wallet.earn_points(earning(member, 20, 0), "reads-later")
    await wallet.earn_points(earning(member, 50, 340), "reads-soon")  # expires in 25 days
    await wallet.earn_points(earning(member, 300, 370), "reads-late")  # 5 days ago, not posted
    await wallet.earn_points(PointsEarning(spender, 0, 5_000, "ORDER", now), "reads-spend")

    found = await wallet.loyalty_accounts([stranger, member, spender, member])
    assert found[0] is None
    assert found[1] == found[3]
    loyalty = found[1]
    assert loyalty is not None and loyalty.customer_id == member
    assert (loyalty.points, loyalty.expiring_soon, loyalty.pending_points) == (70, 50, 100)
    no_points = found[2]
    assert no_points is not None and no_points.customer_id == spender
    assert (no_points.points, no_points.expiring_soon, no_points.pending_points) == (0, 0, 0)
