"""``commercegraph mine-bundles`` and ``commercegraph release-reservations``: the inventory
and bundle jobs, run once."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from commercegraph.config import Settings
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.bundles import mine_recent_bundles
from commercegraph.usecases.inventory import release_expired


async def _run(settings: Settings, job: str) -> dict[str, Any]:
    from commercegraph import bootstrap

    async with bootstrap.open(settings) as container:
        registry = container.registry
        now = utcnow()
        if job == "mine":
            mined = await mine_recent_bundles(registry.commerce, settings, now)
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
