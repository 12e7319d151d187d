"""NATS JetStream as an event source: a durable pull consumer with explicit acks.

Messages are pulled, never pushed, so the consumer takes only what it can handle; the
server keeps at most ``max_in_flight`` unacknowledged messages out, and hands a message to
another consumer (or to this one after a restart) when its ack is ``ack_wait`` late.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import NotFoundError

from commercegraph.events.sources import StreamMessage

log = logging.getLogger("commercegraph.events.nats")

FETCH_WAIT_S = 1.0  # how long one pull waits for messages: also how soon stop() is noticed


@dataclass(frozen=True)
class NatsOptions:
    url: str = "nats://127.0.0.1:4222"
    stream: str = "COMMERCEGRAPH_EVENTS"
    subject: str = "commercegraph.events"
    durable: str = "commercegraph-ingest"
    ack_wait_seconds: float = 30.0
    max_deliver: int = 20  # then JetStream gives up on the message (and an advisory says so)
    create_stream: bool = False


class NatsMessage:
    def __init__(self, msg: Msg) -> None:
        self._msg = msg

    @property
    def body(self) -> bytes:
        return self._msg.data

    @property
    def deliveries(self) -> int:
        return int(self._msg.metadata.num_delivered or 1)

    async def ack(self) -> None:
        # waits for the server's confirmation: once this returns, no redelivery
        await self._msg.ack_sync()

    async def retry(self, delay_seconds: float) -> None:
        await self._msg.nak(delay=delay_seconds)

    async def reject(self, reason: str) -> None:
        log.warning("rejected stream message %s: %s", self._msg.metadata.sequence, reason)
        await self._msg.term()


class NatsSource:
    def __init__(self, options: NatsOptions, max_in_flight: int) -> None:
        self.options = options
        self.max_in_flight = max_in_flight
        self._client: Client | None = None
        self._closed = asyncio.Event()

    async def _subscribe(self) -> nats.js.JetStreamContext.PullSubscription:
        o = self.options
        self._client = await nats.connect(o.url, connect_timeout=5, max_reconnect_attempts=-1)
        js = self._client.jetstream()
        if o.create_stream:
            try:
                await js.stream_info(o.stream)
            except NotFoundError:
                await js.add_stream(StreamConfig(name=o.stream, subjects=[o.subject]))
        config = ConsumerConfig(
            durable_name=o.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=o.ack_wait_seconds,
            max_deliver=o.max_deliver,
            max_ack_pending=self.max_in_flight,
            filter_subject=o.subject,
        )
        return await js.pull_subscribe(o.subject, durable=o.durable, stream=o.stream, config=config)

    async def messages(self, limit: int) -> AsyncIterator[list[StreamMessage]]:
        subscription = await self._subscribe()
        while not self._closed.is_set():
            try:
                batch = await subscription.fetch(batch=limit, timeout=FETCH_WAIT_S)
            except NatsTimeout:
                continue
            yield [NatsMessage(msg) for msg in batch]

    def stop(self) -> None:
        """Make ``messages`` end after the batch in hand (safe from a signal handler)."""
        self._closed.set()

    async def close(self) -> None:
        self._closed.set()
        if self._client is not None and not self._client.is_closed:
            # every ack was confirmed (ack_sync): nothing is left to flush
            await self._client.close()
