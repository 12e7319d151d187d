"""commercetools' rate limit, on a fake clock injected into the client.

commercetools publishes no fixed request rate for the HTTP API; a request beyond the
project's limit is answered 429 with the ``TooManyRequests`` error and ``Retry-After``, the
seconds until the client may retry (API Errors page, release note of 16 October 2026
"introduced rate limiting"; the answer is the one recorded in ``recorded/errors.json``). The
project below enforces the client's own default budget, 50 requests in any second, so the
burst test measures that the client keeps to it; the other test puts another client on
the project, so 429s do come. Token and read answers are ``recorded/empty.json``'s; time is
the fake clock's, so nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.commercetools import CommercetoolsClient, CommercetoolsCommerce
from tests.adapters.budget import RollingWindow, busiest
from tests.adapters.commercetools.conftest import recorded_settings

pytestmark = pytest.mark.recorded

RECORDED = Path(__file__).parent / "recorded"
LIMIT, WINDOW_S = 50, 1.0  # the client's default budget, enforced by the project
BURST = 200
PRODUCT = "e0000000-0001-4a00-8000-{:012d}"


def _answer(recording: str, match: Any) -> dict[str, Any]:
    exchanges = json.loads((RECORDED / recording).read_text())["exchanges"]
    return next(e["response"] for e in exchanges if match(e))


TOKEN = _answer("empty.json", lambda e: e["path"] == "/oauth/token")["body"]
EMPTY_PAGE = _answer("empty.json", lambda e: e["path"].endswith("/product-projections"))["body"]
TOO_MANY = _answer("errors.json", lambda e: e["response"].get("status") == 429)["body"]


class RateLimitedProject:
    def __init__(self, clock: FakeClock, others: int = 0) -> None:
        self.clock = clock
        self.window = RollingWindow(LIMIT, WINDOW_S)
        self.window.accepted = [clock.now] * others  # another API client, just now
        self.sent: list[float] = []
        self.refusals: list[tuple[float, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json=TOKEN)
        assert request.url.path == "/demo-project/product-projections"
        now = self.clock.monotonic()
        self.sent.append(now)
        wait = self.window.admit(now)
        if wait is not None:
            self.refusals.append((now, wait))
            return httpx.Response(429, json=TOO_MANY, headers={"Retry-After": str(wait)})
        return httpx.Response(200, json=EMPTY_PAGE)


async def burst(project: RateLimitedProject, clock: FakeClock, count: int) -> list[Any]:
    client = CommercetoolsClient(
        recorded_settings(), transport=httpx.MockTransport(project), clock=clock
    )
    commerce = CommercetoolsCommerce(client)
    try:
        return await asyncio.gather(
            *(commerce.products_by_id([PRODUCT.format(n)]) for n in range(count))
        )
    finally:
        await client.aclose()


async def test_a_burst_keeps_to_50_a_second_and_is_never_refused() -> None:
    clock = FakeClock()
    project = RateLimitedProject(clock)

    found = await burst(project, clock, BURST)

    assert found == [[None]] * BURST
    assert project.refusals == []
    assert len(project.sent) == BURST
    assert busiest(project.sent, WINDOW_S) <= LIMIT
    # the default burst of 10 goes at once, then 40 a second: no slower than it must be
    assert clock.now == pytest.approx((BURST - 10) / 40)
    print(f"commercetools burst={BURST} fake_s={clock.now:.2f} busiest={busiest(project.sent, 1)}")


async def test_a_429_holds_every_request_for_its_retry_after_and_all_succeed() -> None:
    clock = FakeClock()
    project = RateLimitedProject(clock, others=45)

    found = await burst(project, clock, 100)

    assert found == [[None]] * 100  # every read answered despite the 429s
    assert project.refusals
    assert len(project.window.accepted) - 45 == 100  # each read accepted once
    for refused_at, wait in project.refusals:  # nothing sent until the wait it was told
        later = [t for t in project.sent if t > refused_at]
        assert not later or min(later) >= refused_at + wait
    print(
        f"commercetools shared burst=100 refused={len(project.refusals)} "
        f"fake_s={clock.now:.2f} busiest_ours={busiest(project.sent, WINDOW_S)}"
    )
