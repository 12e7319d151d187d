"""``commercegraph events consume --source nats``: ingest events from a stream until
SIGTERM (the batch in hand is settled first)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from dataclasses import asdict
from typing import Any

from commercegraph.config import Settings

CHANNELS = ("WEB", "MOBILE_APP", "STORE", "CALL_CENTER", "MARKETPLACE")


async def _consume(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph import bootstrap
    from commercegraph.events import events_endpoint
    from commercegraph.events.ingest import EventSource
    from commercegraph.events.sources.consumer import consume
    from commercegraph.events.sources.nats import NatsOptions, NatsSource

    options = NatsOptions(
        url=args.url,
        stream=args.stream,
        subject=args.subject,
        durable=args.durable,
        ack_wait_seconds=args.ack_wait,
        create_stream=args.create_stream,
    )
    stream = NatsSource(options, max_in_flight=args.max_in_flight)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stream.stop)
    container = bootstrap.compose(settings)
    registry = container.registry
    # the sender is the stream: trusted like a channel's API key when --channel names one,
    # else like staff (each event's own channel counts)
    source = EventSource("channel", channel=args.channel) if args.channel else EventSource("staff")
    try:
        stats = await consume(
            stream,
            events_endpoint(registry, settings).ingestor,
            source,
            max_in_flight=args.max_in_flight,
            max_batch=settings.events_max_batch,
        )
    finally:
        await stream.close()
        await container.aclose()
    print(json.dumps(asdict(stats)))
    return 0


def _events_consume(settings: Settings, args: argparse.Namespace) -> int:
    if args.max_in_flight < 1:
        print("--max-in-flight must be at least 1", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    return asyncio.run(_consume(settings, args))


def register(sub: Any) -> None:
    events = sub.add_parser("events", help="events from a stream (besides POST /events)")
    actions = events.add_subparsers(dest="action", required=True)
    consume = actions.add_parser("consume", help="ingest events from a stream until SIGTERM")
    consume.add_argument(
        "--source", choices=["nats"], default="nats", help="the event stream to read"
    )
    consume.add_argument("--url", default="nats://127.0.0.1:4222", help="the NATS server")
    consume.add_argument("--stream", default="COMMERCEGRAPH_EVENTS", help="JetStream stream")
    consume.add_argument("--subject", default="commercegraph.events", help="NATS subject")
    consume.add_argument("--durable", default="commercegraph-ingest", help="consumer name")
    consume.add_argument("--max-in-flight", type=int, default=64, help="unacked messages")
    consume.add_argument("--ack-wait", type=float, default=30.0, help="seconds to redelivery")
    consume.add_argument("--channel", choices=CHANNELS, help="the channel the stream sends for")
    consume.add_argument("--create-stream", action="store_true", help="create it if absent")
    consume.set_defaults(handler=_events_consume)
