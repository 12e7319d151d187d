"""Event streams as a second way in besides ``POST /events``.

A stream source hands out :class:`StreamMessage` s, each one JSON body shaped like a
``POST /events`` request (one event or ``{"events": [...]}``), and is told the outcome:
``ack`` once ingested, ``retry`` when the store could not take it now, ``reject`` when it
can never be ingested (invalid, conflicting). A source for another broker (Kafka: commit the
offset on ack, seek back on retry, send to a dead-letter topic on reject) implements the
same two classes. :mod:`commercegraph.events.sources.nats` is JetStream's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol


class StreamMessage(Protocol):
    @property
    def body(self) -> bytes: ...

    @property
    def deliveries(self) -> int:
        """How many times this message has been handed out, this time included."""
        ...

    async def ack(self) -> None: ...

    async def retry(self, delay_seconds: float) -> None: ...

    async def reject(self, reason: str) -> None: ...


class StreamSource(Protocol):
    def messages(self, limit: int) -> AsyncIterator[list[StreamMessage]]:
        """Batches of at most ``limit`` messages, each batch fetched only after the previous
        one was settled: that bounds what is in flight (back-pressure). Ends after ``stop``."""
        ...

    def stop(self) -> None: ...

    async def close(self) -> None: ...
