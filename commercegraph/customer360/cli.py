"""``commercegraph segments refresh``: recompute every customer's segments and figures."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from typing import Any

from commercegraph import bootstrap
from commercegraph.config import Settings

# the domains whose tables the refresh reads and writes directly, not through their ports
REFRESH_READS = ("commerce", "customer")


async def _refresh(settings: Settings, currency: str, changed: bool) -> dict[str, Any]:
    from commercegraph.customer360.refresh import refresh_all, refresh_changed

    async with bootstrap.open_store(settings) as store:
        if changed:
            return await refresh_changed(store, currency)
        return asdict(await refresh_all(store, currency))


def _segments_refresh(settings: Settings, args: argparse.Namespace) -> int:
    bootstrap.require_native(settings, *REFRESH_READS, command="segments refresh")
    currency = args.currency or settings.default_currency
    summary = asyncio.run(_refresh(settings, currency, args.changed))
    print(json.dumps(summary))
    return 0


def add_commands(sub: Any) -> None:
    segments = sub.add_parser("segments", help="customer segments (RFM, ABC, behaviour, LTV)")
    actions = segments.add_subparsers(dest="action", required=True)
    refresh = actions.add_parser(
        "refresh", help="refit the models and recompute every customer's segments"
    )
    refresh.add_argument(
        "--currency", help="orders in this currency count (default: CG_DEFAULT_CURRENCY)"
    )
    refresh.add_argument(
        "--changed",
        action="store_true",
        help="re-score only customers with orders or events newer than their figures",
    )
    refresh.set_defaults(handler=_segments_refresh)
