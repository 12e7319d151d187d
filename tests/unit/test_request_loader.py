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


class _Missing(LookupError):
    pass


async def test_a_batch_answers_records_and_fails_keys_by_what_each_answer_is() -> None:
    async def batch(keys: list[str]) -> list[object]:
        return [_Missing(k) if k.startswith("x") else (k, len(k)) for k in keys]

    loader: RequestLoader[str, object] = RequestLoader(batch)
    futures = loader.load_each(["a", "xb", "cc"])
    assert await futures[0] == ("a", 1) and await futures[2] == ("cc", 2)
    with pytest.raises(_Missing):
        await futures[1]


async def test_a_key_cancelled_while_loading_leaves_the_others_answered() -> None:
    loader: RequestLoader[str, str] = RequestLoader(_upper)
    first, second = loader.load_each(["a", "b"])
    first.cancel()
    assert await second == "B"
    assert first.cancelled()


async def test_max_batch_size_splits_a_ticks_keys_into_batches() -> None:
    seen: list[list[str]] = []

    async def batch(keys: list[str]) -> list[str]:
        seen.append(list(keys))
        return [k.upper() for k in keys]

    loader: RequestLoader[str, str] = RequestLoader(batch, max_batch_size=2)
    assert await asyncio.gather(*loader.load_each(["a", "b", "c"])) == ["A", "B", "C"]
    assert seen == [["a", "b"], ["c"]]


async def test_a_batch_answering_too_few_fails_every_key_and_keeps_none() -> None:
    async def batch(keys: list[str]) -> list[str]:
        return ["only"]

    loader: RequestLoader[str, str] = RequestLoader(batch)
    futures = loader.load_each(["a", "b"])
    for future in futures:
        with pytest.raises(TypeError, match="same length"):
            await future
    assert "a" not in loader._cache


async def _upper(keys: list[str]) -> list[str]:
    return [k.upper() for k in keys]
