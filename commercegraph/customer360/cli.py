"""``commercegraph segments refresh``: recompute every customer's segments and figures, or
(``--as-of``) check the lifetime-value models on a held-out period without writing;
``segments write-back``: send them to the CRM (``customer360.write_back``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from commercegraph import bootstrap
from commercegraph.config import Settings

# the domains whose tables the refresh reads and writes directly, not through their ports
REFRESH_READS = ("commerce", "customer")


def _moment(text: str, *, end_of_day: bool) -> datetime:
    """``YYYY-MM-DD`` (the end of that UTC day) or an ISO timestamp (UTC when naive)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start + timedelta(days=1) if end_of_day else start
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day_end(text: str) -> datetime:
    return _moment(text, end_of_day=True)


async def _refresh(settings: Settings, currency: str, args: argparse.Namespace) -> dict[str, Any]:
    from commercegraph.customer360.holdout import holdout_report
    from commercegraph.customer360.refresh import refresh_all, refresh_changed

    minimum = settings.ltv_min_repeat_buyers
    async with bootstrap.open_store(settings) as store:
        if args.as_of is not None:
            return await holdout_report(
                store, currency, args.as_of, args.until, min_repeat_buyers=minimum
            )
        if args.changed:
            return await refresh_changed(store, currency, min_repeat_buyers=minimum)
        return asdict(await refresh_all(store, currency, min_repeat_buyers=minimum))


def _segments_refresh(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph.customer360.holdout import HoldoutError

    bootstrap.require_native(settings, *REFRESH_READS, command="segments refresh")
    currency = args.currency or settings.default_currency
    if args.until is not None and args.as_of is None:
        print("error: --until needs --as-of", file=sys.stderr)
        return 2
    if args.as_of is not None and args.changed:
        print("error: --as-of and --changed cannot be combined", file=sys.stderr)
        return 2
    try:
        summary = asyncio.run(_refresh(settings, currency, args))
    except HoldoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0


def _batch_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("between 1 and 100")
    return value


def _segments_write_back(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph.customer360.write_back import run_write_back
    from commercegraph.errors import CommerceGraphError

    try:
        summary = asyncio.run(run_write_back(settings, args.batch_size, args.checkpoint))
    except CommerceGraphError as exc:
        resume = " (run again with the same --checkpoint to resume)" if args.checkpoint else ""
        print(f"error: {exc.message}{resume}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(summary)))
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
    refresh.add_argument(
        "--as-of",
        type=_day_end,
        metavar="DATE",
        help="fit the lifetime-value models on orders up to the end of DATE (UTC) and print"
        " predicted against actual repeat purchases and spend after it; writes nothing",
    )
    refresh.add_argument(
        "--until",
        type=_day_end,
        metavar="DATE",
        help="with --as-of: the hold-out period ends with DATE (default: now)",
    )
    refresh.set_defaults(handler=_segments_refresh)
    write_back = actions.add_parser(
        "write-back",
        help="send every customer's segments, RFM scores and lifetime value to the CRM",
    )
    write_back.add_argument(
        "--batch-size",
        type=_batch_size,
        default=100,
        help="customers per write (HubSpot takes at most 100)",
    )
    write_back.add_argument(
        "--checkpoint",
        type=Path,
        metavar="PATH",
        help="save progress here after each batch and resume from it; removed when done",
    )
    write_back.set_defaults(handler=_segments_write_back)
    from commercegraph.customer360.audience import register as register_audience

    register_audience(actions)
