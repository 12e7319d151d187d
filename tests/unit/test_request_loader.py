"""The request's loader answers as aiodataloader's ``DataLoader`` does: one batch a tick,
one future a key, primes that never replace a key already asked."""

from __future__ import annotations

import asyncio

import pytest
from aiodataloader import Loader

from commercegraph.loaders import RequestLoader, load_all, settled


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


async def test_load_each_asks_as_load_does_in_one_batch() -> None:
    loader, batches = _recording()
    asked = loader.load("a")
    each = loader.load_each(["a", "b", "b", "c"])
    assert each[0] is asked and each[1] is each[2]
    assert [await f for f in each] == ["A", "B", "B", "C"]
    assert batches == [["a", "b", "c"]]
    assert loader.load_each(["c"])[0] is each[3]
    assert batches == [["a", "b", "c"]]


async def test_load_each_refuses_a_missing_key_after_asking_the_keys_before_it() -> None:
    loader, batches = _recording()
    with pytest.raises(TypeError):
        loader.load_each(["a", None])  # type: ignore[list-item]
    assert await loader.load("a") == "A"
    assert batches == [["a"]]


async def test_prime_each_answers_without_a_batch_and_never_replaces_a_key() -> None:
    loader, batches = _recording()
    asked = loader.load("a")
    loader.prime_each(["a", "b", "b"], ["primed", "held", "later"])
    assert await asyncio.gather(asked, loader.load("b")) == ["A", "held"]
    assert batches == [["a"]]


async def test_load_all_raises_the_first_failure_in_key_order_once_all_answered() -> None:
    seen: list[list[str]] = []

    async def batch(keys: list[str]) -> list[object]:
        seen.append(keys)
        return [ValueError(k) if k.startswith("x") else k.upper() for k in keys]

    loader: RequestLoader[str, object] = RequestLoader(batch)
    assert await load_all(loader, ["a", "b"]) == ["A", "B"]
    loads = load_all(loader, ["c", "x1", "x2"])
    later = loader.load("d")  # asked by load_all in this tick already: one batch
    with pytest.raises(ValueError, match="x1"):
        await loads
    assert await later == "D"
    assert seen == [["a", "b"], ["c", "x1", "x2", "d"]]
    answers = await settled(loader.load_each(["a", "x2", "c"]))
    assert answers[0] == "A" and answers[2] == "C"
    assert isinstance(answers[1], ValueError) and str(answers[1]) == "x2"


async def test_queued_keys_are_aiodataloaders_own_entries() -> None:
    loader, _ = _recording()
    first = loader.load("a")
    (second,) = loader.load_each(["b"])
    assert [(e.__class__, e.key, e.future) for e in loader._queue] == [
        (Loader, "a", first),
        (Loader, "b", second),
    ]
    assert await asyncio.gather(first, second) == ["A", "B"]
