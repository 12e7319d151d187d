"""The serving process: its listening socket, its garbage-collector settings, its names."""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from strawberry.schema.name_converter import NameConverter

from commercegraph.runtime import GC_THRESHOLDS, MALLOC_ARENAS, limit_malloc_arenas, settle_heap
from commercegraph.schema.naming import CachedNameConverter
from commercegraph.serving import SPREADS_CONNECTIONS, listen, worker_sockets
from tests.conftest import SeededDatabase
from tests.serving import START_TIMEOUT_S, free_port, running


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


@pytest.mark.skipif(not SPREADS_CONNECTIONS, reason="the kernel spreads SO_REUSEPORT only on Linux")
def test_worker_sockets_share_one_port_and_the_kernel_spreads_connections_across_them() -> None:
    sockets = worker_sockets("127.0.0.1", 0, 3)
    clients: list[socket.socket] = []
    try:
        assert len({s.getsockname()[1] for s in sockets}) == 1
        port = sockets[0].getsockname()[1]
        for _ in range(48):  # one socket left with none of 48: 3 × (2/3)^48, about 1e-8
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        accepted = []
        for sock in sockets:
            sock.setblocking(False)
            count = 0
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                conn.close()
                count += 1
            accepted.append(count)
        assert sum(accepted) == 48 and min(accepted) > 0, accepted
    finally:
        for s in [*clients, *sockets]:
            s.close()


def test_one_worker_or_no_balancing_gets_one_plain_socket() -> None:
    (sock,) = worker_sockets("127.0.0.1", 0, 1)
    with sock:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 0


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _tcp_inodes(port: int, state: str) -> set[int]:
    """Inodes of this host's IPv4 TCP sockets on local ``port`` in ``state`` (01 established,
    0A listening), from /proc/net/tcp."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            found.add(int(fields[9]))
    return found


def _spawned(parent: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    return [
        w for w in _children(parent) if b"spawn_main" in Path(f"/proc/{w}/cmdline").read_bytes()
    ]


def _workers(parent: int, count: int) -> list[int]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        workers = _spawned(parent)
        if len(workers) == count:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"{count} workers did not start: {_children(parent)}")


@pytest.mark.skipif(not SPREADS_CONNECTIONS, reason="the kernel spreads SO_REUSEPORT only on Linux")
def test_serve_with_two_workers_spreads_keep_alive_connections_and_restarts_a_dead_worker(
    sqlite_db: SeededDatabase,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CG_DATABASE_URL": sqlite_db.url, "CG_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "commercegraph", "serve", "--host", "127.0.0.1"]
    with running(
        [*command, "--port", str(port), "--workers", "2"], f"{base}/healthz", environment=env
    ) as proc:
        first, second = _workers(proc.pid, 2)
        listening = _tcp_inodes(port, "0A")
        assert len(listening) == 2  # a socket each, not one shared
        # each worker listens on exactly one of them (a worker receives it as it starts)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            slots = [_socket_inodes(w) & listening for w in (first, second)]
            if all(len(s) == 1 for s in slots):
                break
            time.sleep(0.2)
        assert [len(s) for s in slots] == [1, 1] and slots[0] != slots[1], slots

        # sixteen keep-alive connections opened together (a pool, a load generator): both
        # workers serve some; on one shared socket the first to wake took all of them
        clients = [httpx.Client(base_url=base, timeout=10) for _ in range(16)]
        try:
            with ThreadPoolExecutor(16) as pool:
                assert all(
                    r.status_code == 200 for r in pool.map(lambda c: c.get("/healthz"), clients)
                )
            established = _tcp_inodes(port, "01")
            held = [len(_socket_inodes(w) & established) for w in (first, second)]
            assert sum(held) == 16 and min(held) > 0, held  # 8:0 by chance: 2 in 65,536
        finally:
            for client in clients:
                client.close()

        # a worker that dies is replaced on its own socket, and the port keeps answering
        slot = _socket_inodes(first) & listening
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            replacements = [w for w in _spawned(proc.pid) if w not in (first, second)]
            if replacements and slot <= _socket_inodes(replacements[0]):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the dead worker was not replaced on its socket")
        for _ in range(20):  # some land on the replacement's socket: it must answer them
            assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200


_ARENAS = """
import sys, threading
from commercegraph.runtime import limit_malloc_arenas
if sys.argv[1] == "limit":
    assert limit_malloc_arenas()
kept = []
together = threading.Barrier(8)
def work():
    kept.append([bytes(1000 + i % 7) for i in range(2000)])  # past pymalloc: glibc's malloc
    together.wait()  # all alive at once, as a pool's connection threads are
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
import ctypes
ctypes.CDLL(None).malloc_stats()
"""


def _arenas(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", _ARENAS, mode], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
def test_the_serving_process_caps_mallocs_arenas_for_its_threads() -> None:
    assert _arenas("default") > 2  # each thread took one
    assert _arenas("limit") <= MALLOC_ARENAS


def test_an_operators_malloc_arena_max_is_left_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
