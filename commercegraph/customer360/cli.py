"""``commercegraph segments refresh``: recompute every customer's segments and figures."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from typing import Any

from commercegraph.config import Settings


async def _refresh(settings: Settings, currency: str) -> dict[str, Any]:
    from commercegraph.customer360.refresh import refresh_all
    from commercegraph.store.db import Store, create_engine

    store = Store(create_engine(settings.database_url))
    try:
        return asdict(await refresh_all(store, currency))
    finally:
        await store.dispose()


def _segments_refresh(settings: Settings, args: argparse.Namespace) -> int:
    summary = asyncio.run(_refresh(settings, args.currency or settings.default_currency))
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
    refresh.set_defaults(handler=_segments_refresh)
