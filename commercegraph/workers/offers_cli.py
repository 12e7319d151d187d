"""``commercegraph offers dispatch``: push the day's offers as signed webhooks (for cron)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Any

from commercegraph.config import Settings


def _when(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {value!r}") from exc
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


async def run_dispatch(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph import bootstrap
    from commercegraph.usecases.offer_dispatch import dispatch_offers

    async with bootstrap.open(settings) as container:
        report = await dispatch_offers(container.registry, settings, container.store, now=now)
        return report.as_dict()


def _dispatch(settings: Settings, args: argparse.Namespace) -> int:
    if settings.webhook_url is None:
        print("CG_WEBHOOK_URL is not set: nowhere to push offers to", file=sys.stderr)
        return 2
    now = args.at or datetime.now(UTC)
    print(json.dumps(asyncio.run(run_dispatch(settings, now))))
    return 0


def register(sub: Any) -> None:
    offers = sub.add_parser("offers", help="offers pushed to the marketing system")
    actions = offers.add_subparsers(dest="action", required=True)
    dispatch = actions.add_parser(
        "dispatch",
        help="queue today's offers (reminders, rewards, carts, birthdays, campaigns) as "
        "signed webhooks; safe to run again and concurrently",
    )
    dispatch.add_argument(
        "--at", type=_when, default=None, help="run as of this ISO date-time (default: now)"
    )
    dispatch.set_defaults(handler=_dispatch)
