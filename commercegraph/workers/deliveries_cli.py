"""``commercegraph deliveries fill``: the cron job of the delivery subscriptions."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from commercegraph.config import Settings


async def run_fill(settings: Settings, now: datetime | None) -> dict[str, Any]:
    from commercegraph import bootstrap
    from commercegraph.usecases.deliveries import DeliveryPorts, fill_due

    async with bootstrap.open(settings) as container:
        return await fill_due(DeliveryPorts.of(container.registry, settings), now)


def _fill(settings: Settings, args: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(run_fill(settings, args.now))))
    return 0


def _moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def register(sub: Any) -> None:
    deliveries = sub.add_parser("deliveries", help="delivery subscriptions (weekly carts)")
    actions = deliveries.add_subparsers(dest="action", required=True)
    fill = actions.add_parser(
        "fill", help="fill a cart for every subscription due today, once per due date"
    )
    fill.add_argument("--now", type=_moment, help="act as at this ISO time (default: now)")
    fill.set_defaults(handler=_fill)
