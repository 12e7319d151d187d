"""The Content Delivery API's rate limit, on a fake clock injected into the client.

Contentful's Technical Limits allow 55 uncached CDA requests a second (Community tier); a
request beyond that is answered 429 with the recorded ``RateLimitExceeded`` body
(``recorded/error_429_rate_limit_exceeded.json``, written from the CDA reference's API rate
limits and Errors sections) and ``X-Contentful-RateLimit-Reset``, the seconds until the next
request may be made. ``RateLimitedSpace`` below is that behaviour and nothing else, over the
recorded locales; time is the fake clock's, so nothing sleeps.
"""

from __future__ import annotations

import httpx
import pytest

from commercegraph.adapters.base import ContentKey
from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.contentful import ContentfulAdapter, ContentfulClient
from tests.adapters.budget import RollingWindow, busiest
from tests.adapters.contentful.conftest import Replay, answer, settings

pytestmark = pytest.mark.recorded

LIMIT, WINDOW_S = 55, 1.0
BURST = 300  # entries reads, one sku each: one request per read


class RateLimitedSpace:
    """The recorded space behind Contentful's per-second limit, shared with other clients."""

    def __init__(self, clock: FakeClock, others: int = 0) -> None:
        self.clock = clock
        self.window = RollingWindow(LIMIT, WINDOW_S)
        self.window.accepted = [clock.now] * others  # another app of the space, just now
        self.replay = Replay()  # the space's locales; no entry holds the burst's skus
        self.sent: list[float] = []
        self.refusals: list[tuple[float, int]] = []  # when, and the reset it named

    def __call__(self, request: httpx.Request) -> httpx.Response:
        now = self.clock.monotonic()
        self.sent.append(now)
        reset = self.window.admit(now)
        if reset is not None:
            self.refusals.append((now, reset))
            headers = {"X-Contentful-RateLimit-Reset": str(reset)}
            return answer("error_429_rate_limit_exceeded.json", 429, headers)
        return self.replay(request)


def reads(count: int) -> list[ContentKey]:
    return [ContentKey("product", f"prd_{n}", "en-US", sku=f"SKU-{n:04d}") for n in range(count)]


def adapter_on(space: RateLimitedSpace, clock: FakeClock) -> ContentfulAdapter:
    own = settings(batch_size=1, rate_limit_retries=5)
    client = ContentfulClient(own, transport=httpx.MockTransport(space), clock=clock)
    return ContentfulAdapter(client, own)


async def test_a_burst_is_paced_within_55_a_second_and_never_limited() -> None:
    clock = FakeClock()
    space = RateLimitedSpace(clock)
    adapter = adapter_on(space, clock)

    found = await adapter.entries(reads(BURST))

    assert len(found) == BURST
    assert space.refusals == []
    assert len(space.sent) == BURST + 1  # the space's locales, then one read per sku
    assert busiest(space.sent, WINDOW_S) <= LIMIT
    # the default burst of 10 goes at once, then 45 a second: no slower than it must be
    assert clock.now == pytest.approx((BURST + 1 - 10) / 45)
    print(f"contentful burst={BURST + 1} fake_s={clock.now:.2f} busiest={busiest(space.sent, 1)}")


async def test_a_space_limited_by_another_client_backs_off_for_the_reset_and_succeeds() -> None:
    clock = FakeClock()
    space = RateLimitedSpace(clock, others=50)
    adapter = adapter_on(space, clock)

    found = await adapter.entries(reads(120))

    assert len(found) == 120  # every read answered despite the 429s
    assert space.refusals, "the other client's requests left too little of the second"
    assert len(space.window.accepted) - 50 == 121  # the locales and every read, once each
    for refused_at, reset in space.refusals:  # nothing sent until the reset it was told
        later = [t for t in space.sent if t > refused_at]
        assert not later or min(later) >= refused_at + reset
    ours = space.sent
    print(
        f"contentful shared burst=121 refused={len(space.refusals)} fake_s={clock.now:.2f} "
        f"busiest_ours={busiest(ours, WINDOW_S)}"
    )
