"""Consume a stream into the same ingestion as ``POST /events``: the same parsing, checks
and idempotency by event id, so a message delivered twice (a consumer killed before its
ack) is a ``duplicate`` the second time and changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from commercegraph.errors import BackendError, CommerceGraphError
from commercegraph.events.ingest import EventIngestor, EventSource
from commercegraph.events.schema import FieldError, parse_events
from commercegraph.events.sources import StreamMessage, StreamSource
from commercegraph.store.models.base import utcnow

log = logging.getLogger("commercegraph.events.consumer")

RETRY_DELAY_S = 2.0  # a store that refused a write is given a moment before the redelivery


@dataclass
class ConsumeStats:
    messages: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    retried: int = 0
    in_flight_peak: int = 0
    errors: list[str] = field(default_factory=list)


async def settle(
    message: StreamMessage,
    ingestor: EventIngestor,
    source: EventSource,
    max_batch: int,
    stats: ConsumeStats,
) -> None:
    stats.messages += 1
    try:
        events, batch = parse_events(message.body, max_batch)
        results = await ingestor.ingest(source, events, batch, utcnow())
    except FieldError as exc:
        stats.rejected += 1
        await message.reject(f"BAD_USER_INPUT: {exc}")
        return
    except BackendError as exc:
        stats.retried += 1
        await message.retry(RETRY_DELAY_S)
        log.warning("store unavailable, message to be redelivered: %s", exc)
        return
    except CommerceGraphError as exc:  # conflicting or forbidden: never ingestible
        stats.rejected += 1
        await message.reject(f"{exc.code}: {exc.message}")
        return
    except Exception as exc:  # unknown: keep the message, it comes back
        stats.retried += 1
        log.exception("ingesting a stream message failed")
        stats.errors.append(repr(exc)[:200])
        await message.retry(RETRY_DELAY_S)
        return
    await message.ack()
    for result in results:
        if result.status == "duplicate":
            stats.duplicates += 1
        else:
            stats.accepted += 1


async def consume(
    stream: StreamSource,
    ingestor: EventIngestor,
    source: EventSource,
    *,
    max_in_flight: int,
    max_batch: int,
    on_batch: Callable[[ConsumeStats], Awaitable[None]] | None = None,
) -> ConsumeStats:
    """Until the stream ends: one batch of at most ``max_in_flight`` messages at a time, in
    order (events of one customer keep their order), each settled before the next batch."""
    stats = ConsumeStats()
    async for messages in stream.messages(max_in_flight):
        stats.in_flight_peak = max(stats.in_flight_peak, len(messages))
        for message in messages:
            await settle(message, ingestor, source, max_batch, stats)
        if on_batch is not None:
            await on_batch(stats)
    return stats
