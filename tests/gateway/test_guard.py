"""The guard around a fake adapter: per-key caching, keyword calls, read/write classes."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import ContentKey, ContentRecord
from commercegraph.gateway.cache import LocalCache
from commercegraph.gateway.guard import GuardedAdapter, port_methods
from commercegraph.gateway.resilience import Resilience
from commercegraph.gateway.settings import BackendPolicy


class FakeContent:
    """A CMS that knows one entry and counts the keys it is asked for."""

    def __init__(self) -> None:
        self.asked: list[list[ContentKey]] = []

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        self.asked.append(list(keys))
        return [
            ContentRecord(k.entity_key, "", (), k.locale) if k.entity_key == "p1" else None
            for k in keys
        ]


def _guarded(fake: FakeContent) -> GuardedAdapter:
    return GuardedAdapter(
        "content", "fake", fake, Resilience("content", BackendPolicy()), LocalCache(60)
    )


async def test_cache_asks_the_backend_only_for_missing_keys() -> None:
    fake = FakeContent()
    guard = _guarded(fake)
    p1, p2 = ContentKey("product", "p1", "en-US"), ContentKey("product", "p2", "en-US")
    first = await guard.entries([p1])
    assert await guard.entries([p2, p1]) == [None, first[0]]
    assert fake.asked == [[p1], [p2]]
    assert await guard.entries(keys=[p1, p2]) == [first[0], None]  # by keyword, same cache
    assert fake.asked == [[p1], [p2]]
    assert await guard.entries([]) == [] and len(fake.asked) == 2
    assert await guard.invalidate_cache() == 2
    await guard.entries(keys=[p1])
    assert fake.asked[-1] == [p1]
    assert guard.health().calls == 3 and guard.health().circuit == "CLOSED"


def test_reads_and_writes_are_told_apart_from_the_ports() -> None:
    commerce = port_methods("commerce")
    assert commerce["products_by_id"] and commerce["search_products"]
    assert not commerce["create_cart"] and not commerce["set_cart_line"]
    assert port_methods("inventory")["locations"]


class FakeWallet:
    """A wallet that knows one referral code and counts the codes it is asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def referrer_for_code(self, code: str) -> str | None:
        self.asked.append(code)
        return "cus_1" if code == "FRIEND" else None


async def test_a_read_of_one_string_id_is_not_taken_for_a_batch_of_characters() -> None:
    fake = FakeWallet()
    guard = GuardedAdapter("wallet", "fake", fake, Resilience("wallet", BackendPolicy()), None)
    # an empty code is still asked (an empty batch would be answered [] without a call)
    assert await guard.referrer_for_code("") is None
    assert await guard.referrer_for_code("FRIEND") == "cus_1"
    assert await guard.referrer_for_code(code="NOPE") is None
    assert fake.asked == ["", "FRIEND", "NOPE"]
    assert guard.health().calls == 3


async def test_a_cache_key_is_the_keys_repr_and_its_text_is_kept_for_equal_keys() -> None:
    fake = FakeContent()
    guard = _guarded(fake)
    key = ContentKey("product", "p1", "en-US", sku="S-1")
    assert guard._cache_keys("entries", [key, "p'1", 7, ("a", 1)]) == [
        f"content:entries:{key!r}",
        'content:entries:"p\'1"',
        "content:entries:7",
        "content:entries:('a', 1)",
    ]
    again = guard._cache_keys("entries", [ContentKey("product", "p1", "en-US", sku="S-1")])
    assert again == [f"content:entries:{key!r}"]
    assert guard._key_texts["entries"] == {key: f"content:entries:{key!r}"}
    # an unhashable key still gets its text, each time
    assert guard._cache_keys("entries", [["x"]]) == ["content:entries:['x']"]
