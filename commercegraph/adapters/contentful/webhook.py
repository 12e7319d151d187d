"""``POST /webhooks/contentful``: Contentful says content changed, the gateway drops its cache.

Configure a webhook in the Contentful space (Settings → Webhooks) with the URL
``https://<gateway>/webhooks/contentful``, the triggers Entry and Asset publish, unpublish,
archive, unarchive and delete, and a custom header ``X-CG-Webhook-Secret`` holding
``CG_CONTENTFUL__WEBHOOK_SECRET``. Each matching call drops the ``content`` namespace of the
gateway's cache — the same thing the ``invalidateCache(domain: CONTENT)`` mutation does —
so every replica sharing the Redis cache reads fresh entries on its next request. The
cache is keyed by our content keys, not Contentful ids, so the whole namespace goes: a
publish is rare next to reads, and a dropped namespace refills in one batch per locale.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger("commercegraph.adapters.contentful")

SECRET_HEADER = "X-CG-Webhook-Secret"
TOPIC_HEADER = "X-Contentful-Topic"
PATH = "/webhooks/contentful"

# ContentManagement.<type>.<action>: what changes what the Delivery API serves
DELIVERED_TYPES = frozenset({"Entry", "Asset", "Locale"})
DELIVERED_ACTIONS = frozenset({"publish", "unpublish", "archive", "unarchive", "delete", "save"})


def changes_delivery(topic: str) -> bool:
    """Whether a webhook topic changes what the Delivery API answers.

    ``save`` counts only for locales (an entry or asset save is a draft the CDA never serves).
    """
    parts = topic.split(".")
    if len(parts) != 3:
        return False
    _, kind, action = parts
    if kind not in DELIVERED_TYPES or action not in DELIVERED_ACTIONS:
        return False
    return action != "save" or kind == "Locale"


async def invalidate_content(content: Any, topic: str) -> int | None:
    """Drop the content cache for a topic that changes delivery; None when it does not.

    ``content`` is the registry's content adapter (the guarded one carries the cache).
    """
    if not changes_delivery(topic):
        return None
    forget = getattr(content, "forget_locales", None)
    if forget is not None and topic.split(".")[1] == "Locale":
        forget()
    invalidate = getattr(content, "invalidate_cache", None)
    dropped = int(await invalidate()) if invalidate is not None else 0
    log.info("contentful webhook %s dropped %d cached content entries", topic, dropped)
    return dropped


def webhook_endpoint(content: Any, secret: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse({"error": "bad webhook secret"}, status_code=401)
        topic = request.headers.get(TOPIC_HEADER, "")
        dropped = await invalidate_content(content, topic)
        if dropped is None:
            return JSONResponse({"ignored": topic})
        return JSONResponse({"dropped": dropped})

    return endpoint


def webhook_routes(registry: Any) -> list[Route]:
    """The webhook route when the content adapter is ``contentful`` with a webhook secret."""
    if "contentful" not in getattr(registry, "names", {}).values():
        return []
    from commercegraph.adapters.contentful import ContentfulSettings, create_adapter
    from commercegraph.adapters.registry import adapter_settings

    own = adapter_settings("contentful", create_adapter)
    if not isinstance(own, ContentfulSettings) or own.webhook_secret is None:
        return []
    secret = own.webhook_secret.get_secret_value()
    return [Route(PATH, webhook_endpoint(registry.content, secret), methods=["POST"])]
