"""Change events for subscriptions: published after a write commits, fanned out to subscribers.

Events carry identifiers only (which cart, which customer's orders, which skus at which
store); a subscriber reads the current state itself, with its own caller's rights, so an
event never leaks data and a late or duplicated event is harmless.

``RedisBroker`` (when ``CG_REDIS_URL`` is set) reaches every replica through Redis pub/sub;
``LocalBroker`` reaches the subscribers of this process only.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, Protocol

log = logging.getLogger("commercegraph.subscriptions")

Event = dict[str, Any]
REDIS_TIMEOUT_S = 1.0


class Broker(Protocol):
    async def publish(self, topic: str, event: Event) -> None: ...
    def subscribe(self, topic: str) -> Any:
        """``async with broker.subscribe(topic) as events: async for event in events: ...``"""
        ...

    async def aclose(self) -> None: ...


def cart_topic(cart_id: str) -> str:
    return f"cart:{cart_id}"


def orders_topic(customer_id: str) -> str:
    return f"orders:{customer_id}"


def offers_topic(customer_id: str) -> str:
    return f"offers:{customer_id}"


def stock_topic(location_id: str) -> str:
    return f"stock:{location_id}"


class _Subscriber:
    """A bounded queue: a subscriber that stops reading loses its oldest events, not memory."""

    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=max(1, size))

    def offer(self, event: Event) -> None:
        if self.queue.full():
            with suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(event)

    async def events(self) -> AsyncIterator[Event]:
        while True:
            yield await self.queue.get()


class LocalBroker:
    def __init__(self, queue_size: int = 100) -> None:
        self.queue_size = queue_size
        self._topics: dict[str, set[_Subscriber]] = {}

    async def publish(self, topic: str, event: Event) -> None:
        for subscriber in list(self._topics.get(topic, ())):
            subscriber.offer(event)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[Event]]:
        subscriber = _Subscriber(self.queue_size)
        self._topics.setdefault(topic, set()).add(subscriber)
        try:
            yield subscriber.events()
        finally:
            members = self._topics.get(topic)
            if members is not None:
                members.discard(subscriber)
                if not members:
                    del self._topics[topic]

    def subscriber_count(self, topic: str) -> int:
        return len(self._topics.get(topic, ()))

    async def aclose(self) -> None:
        self._topics.clear()


class RedisBroker:
    """One pub/sub connection per subscription; channels are ``<prefix>events:<topic>``."""

    def __init__(self, url: str, prefix: str, queue_size: int = 100) -> None:
        from redis.asyncio import Redis

        self.redis: Any = Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_S)
        self.prefix = prefix + "events:"
        self.queue_size = queue_size

    async def publish(self, topic: str, event: Event) -> None:
        await self.redis.publish(self.prefix + topic, json.dumps(event))

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[Event]]:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.prefix + topic)
        subscriber = _Subscriber(self.queue_size)

        async def pump() -> None:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    subscriber.offer(json.loads(message["data"]))
                except (ValueError, TypeError):
                    log.warning("dropped a malformed event on %s", topic)

        task = asyncio.create_task(pump())
        try:
            yield subscriber.events()
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await task
            with suppress(Exception):
                await pubsub.unsubscribe()
                await pubsub.aclose()

    async def aclose(self) -> None:
        await self.redis.aclose()


def build_broker(redis_url: str | None, prefix: str, queue_size: int) -> Broker:
    if redis_url:
        return RedisBroker(redis_url, prefix, queue_size)
    return LocalBroker(queue_size)


async def publish_quietly(broker: Broker, topic: str, event: Event) -> None:
    """A write that committed stands even when its notification cannot be sent."""
    try:
        await broker.publish(topic, event)
    except Exception as exc:  # any broker failure: log it, never fail the write
        log.warning("could not publish %s: %r", topic, exc)
