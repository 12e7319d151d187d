"""Replays recorded HTTP exchanges through ``httpx.MockTransport``.

A recording is a JSON file ``{"source": <doc page>, "exchanges": [...]}``; each exchange
names what the request must be (``method``, ``path``, for GraphQL the ``operation`` and a
subset of its ``variables``; for forms a subset of ``form``; for REST a subset of ``json``,
and ``params`` each of whose values the query string holds) and the ``response`` (``status``, ``headers``, ``body``). A request takes the
first unused exchange it matches (``repeat: true`` exchanges are never used up); a request
matching none fails the test, so an adapter that sends something the vendor's reference does
not describe is caught.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

OPERATION = re.compile(r"\b(?:query|mutation)\s+(\w+)")


class Unrecorded(AssertionError):
    pass


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _contains(actual[k], v) for k, v in expected.items()
        )
    return bool(actual == expected)


class Recording:
    def __init__(self, path: Path) -> None:
        document = json.loads(path.read_text())
        self.name = path.stem
        self.source: str = document["source"]
        self.exchanges: list[dict[str, Any]] = document["exchanges"]
        self.used: list[int] = []
        self.requests: list[httpx.Request] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _matches(self, exchange: dict[str, Any], request: httpx.Request) -> bool:
        if exchange.get("method", "POST") != request.method:
            return False
        if "path" in exchange and exchange["path"] != request.url.path:
            return False
        params = request.url.params
        if "params" in exchange and not all(
            value in params.get_list(key) for key, value in exchange["params"].items()
        ):
            return False
        if "operation" in exchange or "variables" in exchange or "json" in exchange:
            body = json.loads(request.content or b"null")
            if "operation" in exchange:
                found = OPERATION.search(body.get("query", "")) if isinstance(body, dict) else None
                if not found or found.group(1) != exchange["operation"]:
                    return False
            if "variables" in exchange and not _contains(
                body.get("variables"), exchange["variables"]
            ):
                return False
            if "json" in exchange and not _contains(body, exchange["json"]):
                return False
        if "form" in exchange:
            form = dict(parse_qsl(request.content.decode()))
            if not _contains(form, exchange["form"]):
                return False
        return True

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for index, exchange in enumerate(self.exchanges):
            if index in self.used and not exchange.get("repeat"):
                continue
            if self._matches(exchange, request):
                self.used.append(index)
                response = exchange["response"]
                if response.get("timeout"):
                    raise httpx.ReadTimeout("recorded timeout", request=request)
                body = response.get("body")
                return httpx.Response(
                    response.get("status", 200),
                    headers=response.get("headers", {}),
                    content=body.encode() if isinstance(body, str) else json.dumps(body).encode(),
                )
        raise Unrecorded(
            f"{self.name}: no recorded exchange for {request.method} {request.url} "
            f"{request.content[:300]!r}"
        )


def load(folder: Path, name: str) -> Recording:
    return Recording(folder / "recorded" / f"{name}.json")
