"""Resuming or compensating checkouts whose runner died, and the saga's timing and crash hook
from the settings.

The server runs the recovery at start-up, ``commercegraph recover-checkouts`` and the
worker's ``recover_checkouts`` job when replicas keep running. A checkout still leased by a
live runner is left to it.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

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
