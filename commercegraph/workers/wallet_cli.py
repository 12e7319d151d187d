"""``commercegraph loyalty-maintenance``: release matured points, expire old ones (FIFO)
and forget idempotency records past their retention. Safe to run as often as wanted."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from commercegraph import bootstrap
from commercegraph.config import Settings
from commercegraph.progress import progress
from commercegraph.usecases.loyalty import maintain_points, purge_idempotency


async def _maintain(settings: Settings, now: datetime) -> dict[str, Any]:
    async with bootstrap.open(settings) as container:
        wallet = container.registry.wallet
        points = await maintain_points(wallet, now, steps=3)
        progress("purging idempotency records", 2, 3)
        retention = timedelta(hours=settings.wallet_idempotency_retention_hours)
        purged = await purge_idempotency(wallet, datetime.now(UTC) - retention)
    return {**asdict(points), "purged_keys": purged}


def _run(settings: Settings, args: argparse.Namespace) -> int:
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    print(json.dumps(asyncio.run(_maintain(settings, now))))
    return 0


def register(sub: Any) -> None:
    cmd = sub.add_parser("loyalty-maintenance", help="release, expire points; purge old keys")
    cmd.add_argument("--now", help="ISO time to act as of (default: now)")
    cmd.set_defaults(handler=_run)
