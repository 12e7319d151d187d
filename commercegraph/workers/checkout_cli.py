"""``commercegraph recover-checkouts``: resume or compensate checkouts whose runner died.

The server runs the same recovery at start-up; the command is for operators (and cron)
when replicas keep running. A checkout still leased by a live runner is left to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from commercegraph.config import Settings
from commercegraph.usecases.checkout_recovery import recover


async def _run(settings: Settings) -> dict[str, int]:
    from commercegraph import bootstrap

    async with bootstrap.open(settings) as container:
        return await recover(container.registry, settings)


def _recover(settings: Settings, _: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(_run(settings))))
    return 0


def register(sub: Any) -> None:
    sub.add_parser(
        "recover-checkouts",
        help="resume or compensate checkouts interrupted by a crash (also run at start-up)",
    ).set_defaults(handler=_recover)
