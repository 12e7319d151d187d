"""Live updates: a broker, publishing adapters, the Subscription type and its endpoints."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.config import Settings
from commercegraph.subscriptions.broker import Broker, build_broker
from commercegraph.subscriptions.endpoints import ServerSentEvents, SubscriptionView
from commercegraph.subscriptions.publishing import publish_changes
from commercegraph.subscriptions.schema import Subscription

__all__ = ["Subscription", "install_subscriptions"]

STREAM_PATH = "/graphql/stream"


def install_subscriptions(
    app: Starlette, settings: Settings, registry: AdapterRegistry, schema: object
) -> Broker:
    """Publish the registry's writes and serve ``/graphql`` (WebSocket) and the SSE stream."""
    broker = build_broker(
        settings.redis_url, settings.redis_key_prefix, settings.subscriptions_queue_size
    )
    publish_changes(registry, broker)
    app.state.broker = broker
    view = SubscriptionView(registry, settings, broker, schema=schema)
    app.router.routes.append(WebSocketRoute("/graphql", view))
    app.router.routes.append(
        Route(STREAM_PATH, ServerSentEvents(view).handle, methods=["GET", "POST"])
    )
    return broker
