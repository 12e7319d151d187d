"""``commercegraph mine-bundles`` and ``commercegraph release-reservations``: the inventory
and bundle jobs, run once."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import timedelta
from typing import Any

from commercegraph.config import Settings
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.inventory import mine_bundles, mining_params, release_expired


async def _run(settings: Settings, job: str) -> dict[str, Any]:
    from commercegraph import bootstrap

    async with bootstrap.open(settings) as container:
        registry = container.registry
        now = utcnow()
        if job == "mine":
            since = now - timedelta(days=settings.bundle_history_days)
            mined = await mine_bundles(registry.commerce, mining_params(settings), since)
            return {
                "mined": len(mined),
                "bundles": [
                    {"id": b.id, "name": b.name, "lift": round(b.lift or 0, 2)} for b in mined[:10]
                ],
            }
        return {"released": await release_expired(registry.inventory, now)}


def _mine(settings: Settings, _: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(_run(settings, "mine"))))
    return 0


def _release(settings: Settings, _: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(_run(settings, "release"))))
    return 0


def register(sub: Any) -> None:
    sub.add_parser(
        "mine-bundles", help="recompute frequently-bought-together bundles from orders"
    ).set_defaults(handler=_mine)
    sub.add_parser(
        "release-reservations", help="give back stock held by expired checkout reservations"
    ).set_defaults(handler=_release)
