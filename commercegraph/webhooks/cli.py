"""``commercegraph deliver-webhooks [--once] [--poll SECONDS]``: send the webhook outbox."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

import httpx

from commercegraph.config import Settings
from commercegraph.security.production import require_secrets
from commercegraph.webhooks.delivery import deliver_due, run_worker


def _deliver_command(settings: Settings, args: argparse.Namespace) -> int:
    if settings.webhook_url is None:
        print("CG_WEBHOOK_URL is not set: nothing to deliver to", file=sys.stderr)
        return 2
    require_secrets(settings, gateway=False)

    async def run() -> None:
        from commercegraph import bootstrap

        async with bootstrap.open_store(settings) as store:
            if args.once:
                async with httpx.AsyncClient() as http:
                    report = await deliver_due(store, settings, http)
                print(json.dumps(report.__dict__))
            else:
                await run_worker(store, settings, poll_seconds=args.poll, stop=asyncio.Event())

    asyncio.run(run())
    return 0


def register(sub: Any) -> None:
    """``commercegraph deliver-webhooks [--once] [--poll SECONDS]``."""
    command = sub.add_parser("deliver-webhooks", help="deliver the webhook outbox")
    command.add_argument("--once", action="store_true", help="one pass, then exit")
    command.add_argument("--poll", type=float, default=1.0, help="seconds between passes")
    command.set_defaults(handler=_deliver_command)
