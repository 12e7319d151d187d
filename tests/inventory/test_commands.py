"""The inventory commands: ``mine-bundles`` and ``release-reservations``."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from commercegraph.adapters.base import ReservationLine
from commercegraph.adapters.native import NativeInventory
from commercegraph.cli import main
from commercegraph.config import Settings
from commercegraph.store.models.base import utcnow
from tests.factories import migrate_and_seed, store_for
from tests.inventory.conftest import FRESH_CUSTOMERS, FRESH_SEED, stock_of


def test_mine_bundles_and_release_reservations_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    migrate_and_seed(url, customers=FRESH_CUSTOMERS, seed=FRESH_SEED)
    monkeypatch.setenv("CG_DATABASE_URL", url)
    monkeypatch.setenv("CG_BUNDLE_MIN_ORDERS", "2")
    monkeypatch.setenv("CG_BUNDLE_MIN_LIFT", "1.0")
    monkeypatch.setenv("CG_BUNDLE_HISTORY_DAYS", "800")

    assert main(["mine-bundles"]) == 0
    mined = json.loads(capsys.readouterr().out)
    assert mined["mined"] > 0 and all(b["lift"] >= 1.0 for b in mined["bundles"])

    async def hold_in_the_past() -> tuple[int, int, int]:
        store = store_for(url)
        try:
            inventory = NativeInventory(store, Settings.model_construct())
            line = ReservationLine("SKU-TEA-0003", "loc_downtown", 1)
            await inventory.reserve("cli-old", [line], utcnow() - timedelta(seconds=1))
            return await stock_of(store, "SKU-TEA-0003", "loc_downtown")
        finally:
            await store.dispose()

    async def stock_now() -> tuple[int, int, int]:
        store = store_for(url)
        try:
            return await stock_of(store, "SKU-TEA-0003", "loc_downtown")
        finally:
            await store.dispose()

    on_hand, reserved, safety = asyncio.run(hold_in_the_past())
    assert main(["release-reservations"]) == 0
    assert json.loads(capsys.readouterr().out) == {"released": 1}
    assert asyncio.run(stock_now()) == (on_hand, reserved - 1, safety)
