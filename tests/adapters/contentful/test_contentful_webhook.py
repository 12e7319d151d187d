"""The Contentful webhook drops the gateway's content cache.

Entries come from recorded Content Delivery API answers (``recorded/README.md``) replayed
through ``httpx.MockTransport``; the webhook calls are the ones Contentful sends, with the
``X-Contentful-Topic`` header its webhooks reference documents
(https://www.contentful.com/developers/docs/references/content-management-api/#/reference/webhooks),
sent to a Starlette app over ASGI.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from commercegraph.adapters.contentful import ContentfulAdapter, ContentfulClient
from commercegraph.adapters.contentful.webhook import (
    PATH,
    SECRET_HEADER,
    TOPIC_HEADER,
    changes_delivery,
    webhook_endpoint,
)
from commercegraph.config import Settings
from commercegraph.gateway.cache import LocalCache
from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.gateway.resilience import Resilience
from tests.adapters.contentful.conftest import Replay, settings
from tests.adapters.contentful.test_contentful_adapter import PAGED, product

SECRET = "whsec-recorded"


def guarded(replay: Replay) -> GuardedAdapter:
    own = settings()
    inner = ContentfulAdapter(ContentfulClient(own, transport=httpx.MockTransport(replay)), own)
    policy = Settings().resilience.for_domain("content").for_adapter("contentful")
    return GuardedAdapter(
        "content", "contentful", inner, Resilience("content", policy), LocalCache(60)
    )


def test_topics_that_change_what_is_delivered() -> None:
    assert changes_delivery("ContentManagement.Entry.publish")
    assert changes_delivery("ContentManagement.Asset.unpublish")
    assert changes_delivery("ContentManagement.Entry.delete")
    assert changes_delivery("ContentManagement.Locale.save")
    assert not changes_delivery("ContentManagement.Entry.save")  # a draft
    assert not changes_delivery("ContentManagement.ContentType.publish")
    assert not changes_delivery("nonsense")


async def test_publish_webhook_drops_cached_entries() -> None:
    replay = Replay(PAGED)
    content = guarded(replay)
    app = Starlette(routes=[Route(PATH, webhook_endpoint(content, SECRET), methods=["POST"])])
    keys = [product("SKU-RUN-0003")]

    await content.entries(keys)
    await content.entries(keys)
    assert len(replay.entry_requests()) == 2  # two pages, once: the second read was cached

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as http:
        refused = await http.post(
            PATH, headers={SECRET_HEADER: "wrong", TOPIC_HEADER: "ContentManagement.Entry.publish"}
        )
        assert refused.status_code == 401
        ignored = await http.post(
            PATH, headers={SECRET_HEADER: SECRET, TOPIC_HEADER: "ContentManagement.Entry.save"}
        )
        assert ignored.json() == {"ignored": "ContentManagement.Entry.save"}
        await content.entries(keys)
        assert len(replay.entry_requests()) == 2  # neither call dropped anything

        published = await http.post(
            PATH,
            headers={SECRET_HEADER: SECRET, TOPIC_HEADER: "ContentManagement.Entry.publish"},
            json={"sys": {"type": "Entry", "id": "1Xq9nTpv3GH6uKdQfZd0oP"}},
        )
    assert published.status_code == 200
    assert published.json() == {"dropped": 1}
    found = await content.entries(keys)
    assert found[0] is not None and found[0].title == "Track Spike 3"
    assert len(replay.entry_requests()) == 4  # read again from Contentful
    await content.aclose()


class _Registry:
    def __init__(self, content_adapter: str, content: object) -> None:
        self.names = {"content": content_adapter}
        self.content = content


def test_the_app_serves_the_webhook_only_for_contentful_with_a_secret(monkeypatch: Any) -> None:
    from commercegraph.adapters.contentful.webhook import webhook_routes

    monkeypatch.setenv("CG_CONTENTFUL__SPACE_ID", "spc1demo")
    monkeypatch.setenv("CG_CONTENTFUL__DELIVERY_TOKEN", "cda-token-recorded")
    assert webhook_routes(_Registry("native", object())) == []
    assert webhook_routes(_Registry("contentful", object())) == []  # no secret: no endpoint
    monkeypatch.setenv("CG_CONTENTFUL__WEBHOOK_SECRET", SECRET)
    (route,) = webhook_routes(_Registry("contentful", object()))
    assert route.path == PATH and route.methods is not None and "POST" in route.methods


def test_the_entry_points_and_their_settings(monkeypatch: Any) -> None:
    from commercegraph.adapters.registry import (
        AdapterConfigError,
        adapter_settings,
        available_factories,
    )

    factories = available_factories()
    assert {"contentful", "hubspot"} <= set(factories)
    monkeypatch.delenv("CG_CONTENTFUL__SPACE_ID", raising=False)
    with pytest.raises(AdapterConfigError, match="CG_CONTENTFUL__SPACE_ID"):
        adapter_settings("contentful", factories["contentful"])
    monkeypatch.delenv("CG_HUBSPOT__TOKEN", raising=False)
    with pytest.raises(AdapterConfigError, match="CG_HUBSPOT__TOKEN"):
        adapter_settings("hubspot", factories["hubspot"])


async def test_a_locale_change_makes_the_space_locales_read_again() -> None:
    from commercegraph.adapters.contentful.webhook import invalidate_content

    replay = Replay(PAGED)
    content = guarded(replay)
    await content.entries([product("SKU-RUN-0003")])
    assert await invalidate_content(content, "ContentManagement.Locale.publish") == 1
    await content.entries([product("SKU-RUN-0003")])
    assert sum(r.url.path.endswith("/locales") for r in replay.requests) == 2
    assert await invalidate_content(content, "ContentManagement.Entry.publish") == 1
    await content.entries([product("SKU-RUN-0003")])
    assert sum(r.url.path.endswith("/locales") for r in replay.requests) == 2
    await content.aclose()
