"""Recorded Contentful answers (see ``recorded/README.md``) and live credentials.

``contentful_live`` gives settings for a real space from ``CG_CONTENTFUL_LIVE_SPACE_ID`` and
``CG_CONTENTFUL_LIVE_DELIVERY_TOKEN`` (optionally ``..._ENVIRONMENT``, ``..._CONTENT_TYPE``)
and skips the test when they are not set: the hosted API cannot be reached from CI.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.adapters.contentful import ContentfulSettings

RECORDED = Path(__file__).parent / "recorded"

Handler = Callable[[httpx.Request], httpx.Response]


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=recorded(name), headers=headers)


class Replay:
    """A fake CDA: ``GET .../locales`` and ``GET .../entries`` answered from recordings by
    the request's locale and ``skip``; every request is kept for the test to inspect."""

    def __init__(self, entries: dict[tuple[str, int], str] | None = None) -> None:
        self.entries = entries or {}
        self.requests: list[httpx.Request] = []
        self.override: Handler | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.override is not None and request.url.path.endswith("/entries"):
            return self.override(request)
        if request.url.path.endswith("/locales"):
            return answer("locales.json")
        key = (request.url.params["locale"], int(request.url.params.get("skip", "0")))
        name = self.entries.get(key)
        if name is None:
            return httpx.Response(200, json={"sys": {"type": "Array"}, "total": 0, "items": []})
        return answer(name)

    def entry_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/entries")]


def settings(**overrides: Any) -> ContentfulSettings:
    values: dict[str, Any] = {
        "space_id": "spc1demo",
        "delivery_token": "cda-token-recorded",
        "locales": {"de-DE": "de"},
        "page_size": 2,
    }
    values.update(overrides)
    return ContentfulSettings(_env_prefix="CG_RECORDED_UNUSED__", **values)


@pytest.fixture
def contentful_live() -> ContentfulSettings:
    space = os.environ.get("CG_CONTENTFUL_LIVE_SPACE_ID")
    token = os.environ.get("CG_CONTENTFUL_LIVE_DELIVERY_TOKEN")
    if not space or not token:
        pytest.skip(
            "live Contentful run needs CG_CONTENTFUL_LIVE_SPACE_ID and "
            "CG_CONTENTFUL_LIVE_DELIVERY_TOKEN (a hosted API, not reachable from here)"
        )
    return ContentfulSettings(
        space_id=space,
        delivery_token=token,
        environment=os.environ.get("CG_CONTENTFUL_LIVE_ENVIRONMENT", "master"),
        content_type=os.environ.get("CG_CONTENTFUL_LIVE_CONTENT_TYPE", "product"),
    )
