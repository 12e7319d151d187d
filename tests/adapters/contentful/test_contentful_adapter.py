"""The contentful adapter against recorded Content Delivery API answers.

The hosted API cannot be reached from here, so every answer is a recording written from
Contentful's public reference (``recorded/README.md`` names the page each mirrors),
replayed through ``httpx.MockTransport``. ``test_live_entries`` runs against a real space
when credentials are given (see ``conftest.py``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from commercegraph.adapters.base import ContentKey
from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.contentful import ContentfulAdapter, ContentfulClient
from commercegraph.errors import (
    BackendTimeout,
    BackendUnavailable,
    BadUserInput,
    Conflict,
)
from tests.adapters.contentful.conftest import Replay, answer, settings

PAGED = {
    ("en-US", 0): "entries_en-US_page1.json",
    ("en-US", 2): "entries_en-US_page2.json",
    ("de", 0): "entries_de.json",
    ("de-CH", 0): "entries_de-CH.json",
}


def adapter_for(replay: Any, clock: FakeClock | None = None, **overrides: Any) -> ContentfulAdapter:
    own = settings(**overrides)
    client = ContentfulClient(own, transport=httpx.MockTransport(replay), clock=clock)
    return ContentfulAdapter(client, own)


def product(sku: str, locale: str = "en-US") -> ContentKey:
    return ContentKey("product", f"prd_{sku}", locale, sku=sku)


async def test_entries_in_key_order_with_none_where_missing_across_pages() -> None:
    replay = Replay(PAGED)
    adapter = adapter_for(replay)
    keys = [
        product("SKU-RUN-0003"),
        product("SKU-NOPE"),
        product("SKU-RUN-0001"),
        product("SKU-RUN-0001"),
        ContentKey("category", "cat_run", "en-US"),
        ContentKey("product", "prd_without_sku", "en-US"),
    ]
    found = await adapter.entries(keys)

    assert len(found) == len(keys)
    assert found[0] is not None and found[0].title == "Track Spike 3"
    assert found[1] is None
    assert found[2] is not None and found[2].title == "Trail Runner 1"
    assert found[3] == found[2]
    assert found[4] is None and found[5] is None
    # one locale, one batch: two pages of one query, after the space's locales
    requests = replay.entry_requests()
    assert [r.url.params["skip"] for r in requests] == ["0", "2"]
    params = requests[0].url.params
    assert params["content_type"] == "product"
    assert params["fields.sku[in]"] == "SKU-RUN-0003,SKU-NOPE,SKU-RUN-0001"
    assert params["locale"] == "en-US"
    assert params["include"] == "2"
    assert params["limit"] == "2"
    assert requests[0].headers["Authorization"] == "Bearer cda-token-recorded"
    assert requests[0].url.path == "/spaces/spc1demo/environments/master/entries"
    await adapter.aclose()


async def test_rich_text_body_and_images_from_linked_assets_and_entries() -> None:
    adapter = adapter_for(Replay(PAGED))
    trail, road = await adapter.entries([product("SKU-RUN-0001"), product("SKU-RUN-0002")])

    assert trail is not None and road is not None
    assert trail.body == "A light shoe for wet trails.\n\nGrippy outsole."
    # the asset linked directly, then the gallery entry's assets; the repeat is dropped
    assert trail.images == (
        "https://images.ctfassets.net/spc1demo/shoeSide/1a2b/trail-side.jpg",
        "https://images.ctfassets.net/spc1demo/shoeSole/3c4d/trail-sole.png",
    )
    # the PDF is not an image, the unpublished asset is not resolvable: only the photo stays
    assert road.images == ("https://images.ctfassets.net/spc1demo/roadTop/7a8b/road-top.jpg",)
    assert road.body == "Cushioned for long road miles."
    assert road.locale == "en-US"


async def test_one_request_per_locale_per_batch() -> None:
    replay = Replay(PAGED)
    adapter = adapter_for(replay, batch_size=2, page_size=100)
    skus = ["SKU-RUN-0001", "SKU-RUN-0002", "SKU-RUN-0003"]
    await adapter.entries([product(s, loc) for loc in ("en-US", "de-DE") for s in skus])

    sent = sorted(
        (r.url.params["locale"], r.url.params["fields.sku[in]"])
        for r in replay.entry_requests()
        if r.url.params["skip"] == "0"  # later pages of a query are not new requests
    )
    assert sent == [
        ("de", "SKU-RUN-0001,SKU-RUN-0002"),
        ("de", "SKU-RUN-0003"),
        ("en-US", "SKU-RUN-0001,SKU-RUN-0002"),
        ("en-US", "SKU-RUN-0003"),
    ]


async def test_locale_mapping_language_fallback_and_the_space_fallback_chain() -> None:
    replay = Replay(PAGED)
    adapter = adapter_for(replay)
    keys = [
        product("SKU-RUN-0002", "de-DE"),  # mapped to the space's "de"
        product("SKU-RUN-0001", "de-AT"),  # not in the space: same language, "de"
        product("SKU-RUN-0001", "de-CH"),  # in the space; falls back to de, then en-US
        product("SKU-RUN-0003", "fr-FR"),  # no French: the space's default locale
    ]
    german, austrian, swiss, french = await adapter.entries(keys)

    assert german is not None and german.locale == "de-DE"
    assert german.title == "Straßenläufer 2"
    # the body has no German value: Contentful answered it from de's fallback, en-US
    assert german.body == "Cushioned for long road miles."
    assert austrian is not None and austrian.locale == "de-DE"
    assert austrian.title == "Trailläufer 1"
    assert swiss is not None and swiss.locale == "de-CH"
    assert swiss.body == "Ein leichter Schuh für nasse Wege."
    assert french is not None and french.locale == "en-US"
    assert french.title == "Track Spike 3"
    locales = sorted({r.url.params["locale"] for r in replay.entry_requests()})
    assert locales == ["de", "de-CH", "en-US"]
    # the space's locales were read once for the whole batch
    assert sum(r.url.path.endswith("/locales") for r in replay.requests) == 1


async def test_a_missing_space_or_environment_is_none_for_the_batch() -> None:
    replay = Replay()
    replay.override = lambda _: answer("error_404_not_found.json", 404)
    adapter = adapter_for(replay, environment="staging")

    assert await adapter.entries([product("SKU-RUN-0001"), product("SKU-RUN-0002")]) == [
        None,
        None,
    ]


async def test_a_missing_environment_on_the_locales_read_is_none_too() -> None:
    def missing(request: httpx.Request) -> httpx.Response:
        return answer("error_404_not_found.json", 404)

    adapter = adapter_for(missing, environment="staging")
    assert await adapter.entries([product("SKU-RUN-0001")]) == [None]


@pytest.mark.parametrize(
    ("status", "recording", "error", "counts"),
    [
        (400, "error_400_invalid_query.json", BadUserInput, False),
        (409, "error_409_version_mismatch.json", Conflict, False),
        (401, "error_401_access_token_invalid.json", BackendUnavailable, True),
        (500, "error_500_server_error.json", BackendUnavailable, True),
        (503, "error_500_server_error.json", BackendUnavailable, True),
    ],
)
async def test_each_error_kind_is_mapped(
    status: int, recording: str, error: type[Exception], counts: bool
) -> None:
    from commercegraph.errors import BackendError

    replay = Replay()
    replay.override = lambda _: answer(recording, status)
    adapter = adapter_for(replay)

    with pytest.raises(error) as raised:
        await adapter.entries([product("SKU-RUN-0001")])
    # only the backend's own failures count against its circuit
    assert isinstance(raised.value, BackendError) is counts
    if status == 401:
        assert "AccessTokenInvalid" in str(raised.value)


async def test_a_rate_limited_read_waits_the_reset_and_is_sent_again() -> None:
    replay = Replay(PAGED)
    clock = FakeClock()
    sent_at: list[float] = []
    limited = iter([True, False, False])

    def first_limited(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        if next(limited):
            return answer(
                "error_429_rate_limit_exceeded.json", 429, {"X-Contentful-RateLimit-Reset": "1"}
            )
        replay.override = None
        return replay(request)

    replay.override = first_limited
    adapter = adapter_for(replay, clock)

    found = await adapter.entries([product("SKU-RUN-0001")])
    assert found[0] is not None and found[0].title == "Trail Runner 1"
    assert len(sent_at) == 2 and sent_at[1] - sent_at[0] >= 1.0


async def test_a_rate_limit_longer_than_allowed_fails_with_its_wait() -> None:
    replay = Replay()
    replay.override = lambda _: answer(
        "error_429_rate_limit_exceeded.json", 429, {"X-Contentful-RateLimit-Reset": "30"}
    )
    clock = FakeClock()
    adapter = adapter_for(replay, clock)

    with pytest.raises(BackendUnavailable) as raised:
        await adapter.entries([product("SKU-RUN-0001")])
    assert raised.value.extensions["retry_after_s"] == 30.0
    assert clock.now == 0.0 and len(replay.entry_requests()) == 1


async def test_a_timeout_is_a_backend_timeout() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    adapter = adapter_for(slow)
    with pytest.raises(BackendTimeout):
        await adapter.entries([product("SKU-RUN-0001")])


async def test_an_empty_batch_sends_nothing() -> None:
    replay = Replay(PAGED)
    assert await adapter_for(replay).entries([]) == []
    assert replay.requests == []


async def test_live_entries(contentful_live: Any) -> None:
    client = ContentfulClient(contentful_live)
    adapter = ContentfulAdapter(client, contentful_live)
    try:
        space = await adapter.space_locales()
        found = await adapter.entries([product("SKU-RUN-0001", space.default), product("SKU-NOPE")])
        assert len(found) == 2 and found[1] is None
    finally:
        await adapter.aclose()
