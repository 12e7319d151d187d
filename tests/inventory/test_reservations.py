"""Reservations on the native inventory backend: hold, commit, release, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commercegraph.adapters.base import ReservationLine
from commercegraph.adapters.native import NativeInventory
from commercegraph.config import Settings
from commercegraph.errors import OutOfStock
from commercegraph.store.db import Store
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.inventory import release_expired
from tests.inventory.conftest import set_stock, stock_of

STORE = "loc_hawthorne"
SKU_A, SKU_B = "SKU-TEA-0001", "SKU-TEA-0002"


@pytest.fixture
def inventory(fresh_store: Store) -> NativeInventory:
    return NativeInventory(fresh_store, Settings.model_construct())


async def test_hold_commit_and_release_move_stock_exactly_once(
    inventory: NativeInventory, fresh_store: Store
) -> None:
    await set_stock(fresh_store, SKU_A, STORE, 10, 0, 1)
    later = utcnow() + timedelta(minutes=15)
    held = await inventory.reserve("r-commit", [ReservationLine(SKU_A, STORE, 3)], later)
    assert held.status == "HELD" and held.lines == (ReservationLine(SKU_A, STORE, 3),)
    assert await stock_of(fresh_store, SKU_A, STORE) == (10, 3, 1)
    again = await inventory.reserve("r-commit", [ReservationLine(SKU_A, STORE, 3)], later)
    assert again.status == "HELD"
    assert await stock_of(fresh_store, SKU_A, STORE) == (10, 3, 1)  # a retry holds nothing more
    committed = await inventory.commit_reservation("r-commit")
    assert committed is not None and committed.status == "COMMITTED"
    await inventory.commit_reservation("r-commit")
    await inventory.release_reservation("r-commit")  # too late: committed stays committed
    assert await stock_of(fresh_store, SKU_A, STORE) == (7, 0, 1)

    await inventory.reserve("r-release", [ReservationLine(SKU_A, STORE, 2)], later)
    released = await inventory.release_reservation("r-release")
    assert released is not None and released.status == "RELEASED"
    await inventory.release_reservation("r-release")
    assert await stock_of(fresh_store, SKU_A, STORE) == (7, 0, 1)
    assert await inventory.reservations(["r-release", "nope"]) == [released, None]


async def test_a_hold_is_all_or_nothing(inventory: NativeInventory, fresh_store: Store) -> None:
    await set_stock(fresh_store, SKU_A, STORE, 5)
    await set_stock(fresh_store, SKU_B, STORE, 1)
    lines = [ReservationLine(SKU_A, STORE, 2), ReservationLine(SKU_B, STORE, 2)]
    with pytest.raises(OutOfStock) as caught:
        await inventory.reserve("r-partial", lines, utcnow() + timedelta(minutes=5))
    assert caught.value.extensions == {"sku": SKU_B, "locationId": STORE, "available": 1}
    assert await stock_of(fresh_store, SKU_A, STORE) == (5, 0, 0)
    assert await stock_of(fresh_store, SKU_B, STORE) == (1, 0, 0)
    assert await inventory.reservations(["r-partial"]) == [None]


async def test_expired_holds_are_released_by_the_sweep_and_on_access(
    inventory: NativeInventory, fresh_store: Store
) -> None:
    await set_stock(fresh_store, SKU_B, STORE, 6)
    past = utcnow() - timedelta(seconds=1)
    await inventory.reserve("r-old-1", [ReservationLine(SKU_B, STORE, 2)], past)
    await inventory.reserve("r-old-2", [ReservationLine(SKU_B, STORE, 1)], past)
    # The second hold swept the first on access: it expired before the second was taken.
    assert await stock_of(fresh_store, SKU_B, STORE) == (6, 1, 0)
    (first,) = await inventory.reservations(["r-old-1"])
    assert first is not None and first.status == "EXPIRED"

    assert await release_expired(inventory, utcnow()) >= 1
    assert await stock_of(fresh_store, SKU_B, STORE) == (6, 0, 0)
    assert await inventory.release_expired(utcnow()) == 0  # nothing left to expire

    # A checkout that commits after its hold expired still gets the units if they are free.
    await inventory.commit_reservation("r-old-2")
    assert await stock_of(fresh_store, SKU_B, STORE) == (5, 0, 0)
    # Holding a lapsed reference again holds it afresh.
    revived = await inventory.reserve(
        "r-old-1", [ReservationLine(SKU_B, STORE, 2)], utcnow() + timedelta(minutes=1)
    )
    assert revived.status == "HELD"
    assert await stock_of(fresh_store, SKU_B, STORE) == (5, 2, 0)
    await inventory.release_reservation("r-old-1")


async def test_unexpired_holds_survive_the_sweep(
    inventory: NativeInventory, fresh_store: Store
) -> None:
    await set_stock(fresh_store, SKU_A, "loc_alberta", 4)
    await inventory.reserve(
        "r-fresh", [ReservationLine(SKU_A, "loc_alberta", 4)], utcnow() + timedelta(minutes=10)
    )
    await release_expired(inventory, utcnow())
    assert await stock_of(fresh_store, SKU_A, "loc_alberta") == (4, 4, 0)
    with pytest.raises(OutOfStock):
        await inventory.reserve(
            "r-late", [ReservationLine(SKU_A, "loc_alberta", 1)], utcnow() + timedelta(minutes=1)
        )
    await inventory.release_reservation("r-fresh")


async def test_a_retried_hold_with_fewer_lines_commits_only_those(
    inventory: NativeInventory, fresh_store: Store
) -> None:
    store = "loc_lake_oswego"
    await set_stock(fresh_store, SKU_A, store, 5)
    await set_stock(fresh_store, SKU_B, store, 5)
    later = utcnow() + timedelta(minutes=5)
    both = [ReservationLine(SKU_A, store, 1), ReservationLine(SKU_B, store, 1)]
    await inventory.reserve("r-retry", both, later)
    await inventory.release_reservation("r-retry")  # the first attempt failed after holding
    retried = await inventory.reserve("r-retry", [ReservationLine(SKU_A, store, 2)], later)
    assert retried.lines == (ReservationLine(SKU_A, store, 2),)
    await inventory.commit_reservation("r-retry")
    assert await stock_of(fresh_store, SKU_A, store) == (3, 0, 0)
    assert await stock_of(fresh_store, SKU_B, store) == (5, 0, 0)
