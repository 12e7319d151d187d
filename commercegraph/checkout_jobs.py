"""``commercegraph recover-checkouts``: resume or compensate checkouts whose runner died.

The server runs the same recovery at start-up; the command is for operators (and cron)
when replicas keep running. A checkout still leased by a live runner is left to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from typing import TYPE_CHECKING, Any

from commercegraph.config import Settings

if TYPE_CHECKING:
    from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.store.models.base import utcnow
from commercegraph.usecases import checkout as saga

log = logging.getLogger("commercegraph.checkout")
CRASH_EXIT_CODE = 86  # what an injected crash exits with, to tell it from a real failure


def saga_settings(settings: Settings) -> tuple[saga.SagaTiming, saga.StepHook]:
    timing = saga.SagaTiming(settings.checkout_lease_seconds, settings.checkout_wait_seconds)
    crash_after = "" if settings.is_production else settings.checkout_crash_after

    def hook(step: str) -> None:
        if step == crash_after:
            os._exit(CRASH_EXIT_CODE)  # no cleanup, no flush: the nearest thing to kill -9

    return timing, hook


async def recover(registry: AdapterRegistry, settings: Settings) -> dict[str, int]:
    if registry.checkouts is None:
        return {}
    ports = saga.CheckoutPorts(
        registry.checkout_log(),
        registry.commerce,
        registry.inventory,
        registry.wallet,
        registry.pricing,
        registry.tenders,
    )
    timing, hook = saga_settings(settings)
    counts = await saga.recover(ports, clock=utcnow, timing=timing, hook=hook)
    if counts:
        log.warning("recovered checkouts: %s", counts)
    return counts


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
