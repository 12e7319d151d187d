"""The serving process: its listening socket, its garbage-collector settings, its names."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Iterator

import pytest
from strawberry.schema.name_converter import NameConverter

from commercegraph.runtime import GC_THRESHOLDS, settle_heap
from commercegraph.schema.naming import CachedNameConverter
from commercegraph.serving import listen


async def _accepted_nodelay(sock: socket.socket) -> int:
    """Serve on `sock` with asyncio, connect once, and read TCP_NODELAY on the server side."""
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_connect(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted: socket.socket = writer.get_extra_info("socket")
        seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(on_connect, sock=sock)
    port = sock.getsockname()[1]
    async with server:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 5)
        finally:
            writer.close()


def test_connections_accepted_on_the_shared_socket_have_nagle_off() -> None:
    # A response written in two parts (head, then body) must not wait for a delayed ACK.
    assert asyncio.run(_accepted_nodelay(listen("127.0.0.1", 0))) != 0


def test_a_plain_protocol_zero_socket_would_leave_nagle_on() -> None:
    # What uvicorn's own bind does: the reason the gateway makes its socket itself.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    assert asyncio.run(_accepted_nodelay(sock)) == 0


@pytest.fixture
def restore_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settling_the_heap_freezes_start_up_objects_and_raises_thresholds(
    restore_gc: None,
) -> None:
    kept = [object() for _ in range(1000)]
    settle_heap()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == GC_THRESHOLDS


def test_cached_name_converter_names_like_strawberry() -> None:
    converter, plain = CachedNameConverter(), NameConverter()
    for name in ("radius_km", "store_id", "points_to_next_tier", "first", "_private", "a__b"):
        for _ in range(2):  # the second answer comes from the cache
            assert converter.apply_naming_config(name) == plain.apply_naming_config(name)
    assert converter.apply_naming_config("points_to_next_tier") == "pointsToNextTier"
    assert CachedNameConverter(auto_camel_case=False).apply_naming_config("store_id") == "store_id"
