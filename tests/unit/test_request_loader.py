"""The request's loader answers as aiodataloader's ``DataLoader`` does: one batch a tick,
one future a key, primes that never replace a key already asked."""

from __future__ import annotations

import asyncio

import pytest

from commercegraph.loaders import RequestLoader


def _recording() -> tuple[RequestLoader[str, str], list[list[str]]]:
    batches: list[list[str]] = []

    async def batch(keys: list[str]) -> list[str]:
        batches.append(keys)
        return [k.upper() for k in keys]

    return RequestLoader(batch), batches


async def test_keys_of_one_tick_make_one_batch_and_share_their_futures() -> None:
    loader, batches = _recording()
    first, again, other = loader.load("a"), loader.load("a"), loader.load("b")
    assert first is again
    assert await asyncio.gather(first, other) == ["A", "B"]
    assert batches == [["a", "b"]]
    assert await loader.load("c") == "C"
    assert batches == [["a", "b"], ["c"]]


async def test_a_prime_answers_without_a_batch_and_never_replaces_a_key() -> None:
    loader, batches = _recording()
    asked = loader.load("a")
    loader.prime("a", "primed").prime("b", "held").prime("b", "later")
    failure = ValueError("failed")
    loader.prime("c", failure)  # type: ignore[arg-type]
    assert await asyncio.gather(asked, loader.load("b")) == ["A", "held"]
    with pytest.raises(ValueError, match="failed"):
        await loader.load("c")
    assert batches == [["a"]]


async def test_a_cleared_key_is_asked_again() -> None:
    loader, batches = _recording()
    assert await loader.load("a") == "A"
    loader.clear("a")
    assert await loader.load("a") == "A"
    assert batches == [["a"], ["a"]]


def test_a_missing_key_is_refused() -> None:
    async def batch(keys: list[str]) -> list[str]:
        return keys

    async def ask() -> None:
        RequestLoader(batch).load(None)  # type: ignore[arg-type]

    with pytest.raises(TypeError):
        asyncio.run(ask())
