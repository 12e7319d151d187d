"""``commercegraph loyalty-maintenance`` releases matured points on a demo store."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commercegraph.adapters.base import PointsEarning
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID
from commercegraph.store.models.base import utcnow
from tests.factories import store_for


def run(url: str, *args: str) -> str:
    env = {**os.environ, "CG_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "commercegraph", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


async def earn_pending(url: str) -> None:
    store = store_for(url)
    try:
        wallet = NativeWallet(store, Settings(database_url=url))
        await wallet.earn_points(
            PointsEarning(DEVI_ID, 120, 12_000, "ORDER", utcnow(), "ord_cli", 30), "cli-earn"
        )
    finally:
        await store.dispose()


def test_maintenance_releases_pending_points_and_expires_old_ones(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    run(url, "migrate")
    run(url, "seed", "--customers", "3")
    asyncio.run(earn_pending(url))
    later = (datetime.now(UTC) + timedelta(days=45)).isoformat()
    first = json.loads(run(url, "loyalty-maintenance", "--now", later).strip().splitlines()[-1])
    assert first["released_points"] == 120 and first["expired_points"] > 0
    again = json.loads(run(url, "loyalty-maintenance", "--now", later).strip().splitlines()[-1])
    assert again["released_points"] == 0 and again["expired_points"] == 0
