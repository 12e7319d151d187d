"""Events ingestion over REST (``POST /events``), described by ``openapi/events.yaml``."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.events.endpoint import EventsEndpoint
from commercegraph.events.handlers import EVENT_HANDLERS, HandlerContext

log = logging.getLogger("commercegraph.events")


def events_endpoint(registry: AdapterRegistry, settings: Settings) -> EventsEndpoint:
    async def orders_changed(customer_ids: Sequence[str]) -> None:
        # Segments follow new orders at once; a failure here must not lose the sale, and
        # the next full refresh repairs the figures anyway.
        try:
            await registry.customer.refresh_segments(customer_ids)
        except Exception:
            log.exception("incremental segment refresh failed for %s", list(customer_ids))

    return EventsEndpoint(HandlerContext(registry, settings, orders_changed))


__all__ = ["EVENT_HANDLERS", "EventsEndpoint", "events_endpoint"]
