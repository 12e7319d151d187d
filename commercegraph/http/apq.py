"""Automatic persisted queries, the protocol Apollo Client's and urql's links speak.

A client first sends only ``extensions.persistedQuery = {version: 1, sha256Hash}``. A hash
the gateway has not seen is answered with ``PersistedQueryNotFound`` (code
``PERSISTED_QUERY_NOT_FOUND``, status 200) and the client sends the document with the hash;
the hash is checked against the document and the pair kept, in Redis when ``CG_REDIS_URL`` is
set (every replica then knows it), else in a bounded in-process LRU. Works over GET and POST.

With a trusted-document allow-list (``CG_PERSISTED_OPERATIONS_PATH``) nothing is registered
here: the allow-list alone says which documents run, and its extension resolves hashes.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

from strawberry.extensions import SchemaExtension

from commercegraph.config import Settings
from commercegraph.limits._walk import limit_error

log = logging.getLogger("commercegraph.apq")

NOT_FOUND_MESSAGE = "PersistedQueryNotFound"  # the message both clients match on
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
REDIS_TIMEOUT_S = 0.25
# Stands in for the missing document so the refusal is reported at parse time, coded.
_PLACEHOLDER = "query PersistedQueryRefused { __typename }"


class QueryStore(Protocol):
    async def get(self, sha256: str) -> str | None: ...
    async def put(self, sha256: str, document: str) -> None: ...
    async def aclose(self) -> None: ...


class LocalQueryStore:
    """The most recently used ``max_entries`` documents of this process."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max(1, max_entries)
        self._entries: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        document = self._entries.get(sha256)
        if document is not None:
            self._entries.move_to_end(sha256)
        return document

    async def put(self, sha256: str, document: str) -> None:
        self._entries[sha256] = document
        self._entries.move_to_end(sha256)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    async def aclose(self) -> None:
        return None


class RedisQueryStore:
    """Shared by every replica. Redis trouble reads as a miss: the client resends the text."""

    def __init__(self, url: str, prefix: str, ttl_seconds: int) -> None:
        from redis.asyncio import Redis

        self.redis: Any = Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds

    async def get(self, sha256: str) -> str | None:
        try:
            raw = await self.redis.get(self.prefix + sha256)
        except Exception as exc:  # any Redis failure degrades to a miss
            log.warning("persisted query lookup failed: %r", exc)
            return None
        return raw.decode("utf-8") if raw is not None else None

    async def put(self, sha256: str, document: str) -> None:
        try:
            await self.redis.set(
                self.prefix + sha256, document.encode("utf-8"), ex=self.ttl_seconds
            )
        except Exception as exc:  # the operation still runs; it is just not kept
            log.warning("persisted query store failed: %r", exc)

    async def aclose(self) -> None:
        await self.redis.aclose()


def build_query_store(settings: Settings) -> QueryStore:
    if settings.redis_url:
        return RedisQueryStore(
            settings.redis_url, settings.redis_key_prefix + "apq:", settings.apq_ttl_seconds
        )
    return LocalQueryStore(settings.apq_max_entries)


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _persisted(extensions: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    persisted = (extensions or {}).get("persistedQuery")
    return persisted if isinstance(persisted, Mapping) else None


class AutomaticPersistedQueries(SchemaExtension):
    def __init__(self, store: QueryStore) -> None:
        self.store = store
        self.refusal: Exception | None = None

    async def on_operation(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        persisted = _persisted(ctx.operation_extensions)
        if persisted is not None:
            self.refusal = await self._resolve(persisted)
            if self.refusal is not None:
                ctx.query = _PLACEHOLDER
        yield

    async def _resolve(self, persisted: Mapping[str, Any]) -> Exception | None:
        ctx = self.execution_context
        if persisted.get("version") != 1:
            return limit_error(
                "BAD_USER_INPUT", "Unsupported persisted query version; only 1 is known."
            )
        sha = persisted.get("sha256Hash")
        if not isinstance(sha, str) or len(sha) != 64:
            return limit_error("BAD_USER_INPUT", "persistedQuery.sha256Hash must be 64 hex digits.")
        sha = sha.lower()
        if ctx.query:
            if sha256_hex(ctx.query) != sha:
                return limit_error(
                    "BAD_USER_INPUT", "provided sha does not match query", sha256Hash=sha
                )
            await self.store.put(sha, ctx.query)
            return None
        document = await self.store.get(sha)
        if document is None:
            return limit_error(NOT_FOUND_CODE, NOT_FOUND_MESSAGE)
        ctx.query = document
        return None

    def on_parse(self) -> Any:
        if self.refusal is not None:
            raise self.refusal
        yield


def is_persisted_miss(response_data: Any) -> bool:
    """A body whose errors are all persisted-query misses (answered 200, as clients expect)."""
    if not isinstance(response_data, dict):
        return False
    errors = response_data.get("errors") or []
    return bool(errors) and all(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == NOT_FOUND_CODE
        for e in errors
    )
