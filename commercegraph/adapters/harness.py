"""Running a real vendor system beside the gateway: install it once into a cache, start it on
a free loopback port, wait until it answers, stop it by the process id it was started with.

Each vendor adapter package has a ``harness.py`` built on these pieces (what to install, how
to seed the demo catalogue, which URL answers when the system is ready); the
``commercegraph backends vendor install|start|stop NAME`` commands and the tests' fixtures
call them. Installs live outside the work tree, in
``~/.cache/commercegraph/backends/<name>-<version>`` (``CG_VENDOR_CACHE`` moves the root), and
are reused when present: a folder counts as installed only once its marker file is written,
so an install cut off half-way is redone rather than trusted.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

INSTALLED_MARKER = ".commercegraph-installed"

# The processes ``start`` launched in this process, by pid, so ``stop``/``kill`` reap them
# through their ``Popen`` (one left unreaped warns, and the tests turn warnings into errors).
_STARTED: dict[int, subprocess.Popen[bytes]] = {}


class HarnessError(RuntimeError):
    """A vendor system could not be installed, started or reached; the message says which."""


def cache_root() -> Path:
    configured = os.environ.get("CG_VENDOR_CACHE")
    root = Path(configured) if configured else Path.home() / ".cache" / "commercegraph"
    return root / "backends"


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """One holder at a time on this machine: two test sessions, or a test and the CLI,
    installing or seeding into one folder at once would corrupt it. Others wait, then find
    the work done."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_lock(folder: Path) -> Path:
    """The lock file guarding an install folder (beside it, so removing the folder keeps it)."""
    return folder.parent / f"{folder.name}.lock"


def install_dir(name: str, version: str) -> Path:
    return cache_root() / f"{name}-{version}"


def is_installed(folder: Path) -> bool:
    return (folder / INSTALLED_MARKER).is_file()


def mark_installed(folder: Path, facts: Mapping[str, object]) -> None:
    (folder / INSTALLED_MARKER).write_text(json.dumps(dict(facts), indent=2), encoding="utf-8")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def run(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
    log: Path | None = None,
) -> None:
    """Run a set-up step to completion; on failure raise with the tail of its output."""
    started = time.monotonic()
    completed = subprocess.run(
        list(command),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        check=False,
    )
    output = completed.stdout.decode("utf-8", "replace")
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"$ {' '.join(command)}  ({time.monotonic() - started:.1f} s)\n{output}\n")
    if completed.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise HarnessError(f"{' '.join(command)} failed with {completed.returncode}:\n{tail}")


def npm_install(folder: Path, package_json: Mapping[str, object], *, timeout: float = 1200) -> None:
    """Install the pinned packages of ``package_json`` into ``folder`` (npm's own cache makes a
    second machine-wide install fast)."""
    if shutil.which("npm") is None:
        raise HarnessError("npm is not installed; vendor systems on Node need Node 20 and npm")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(json.dumps(dict(package_json), indent=2), "utf-8")
    run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        timeout=timeout,
        log=folder / "install.log",
    )


@dataclass
class Started:
    """A vendor process this harness started: stop it with ``stop(started.pid)``."""

    name: str
    pid: int
    url: str
    port: int
    log: Path


def start(
    name: str,
    command: Sequence[str],
    *,
    cwd: Path,
    port: int,
    url: str,
    ready_url: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Started:
    """Start ``command`` in its own process group and wait until ``ready_url`` answers."""
    log = cwd / f"{name}-{port}.log"
    handle = log.open("ab")
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    handle.close()
    _STARTED[process.pid] = process
    started = Started(name=name, pid=process.pid, url=url, port=port, log=log)
    try:
        wait_until_ready(ready_url or url, process, timeout=timeout, log=log)
    except BaseException:
        stop(process.pid)
        raise
    return started


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes] | None, *, timeout: float, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    last: str = "no answer yet"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise HarnessError(
                f"{url}: the process exited with {process.returncode} before answering:\n"
                + _tail(log)
            )
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code < 500:
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.25)
    raise HarnessError(f"{url} did not answer within {timeout:.0f} s ({last}):\n" + _tail(log))


def stop(pid: int, *, grace: float = 10) -> bool:
    """Stop the process group led by ``pid`` (a process this harness started): SIGTERM, then
    SIGKILL after ``grace`` seconds. False when it was already gone."""
    process = _STARTED.pop(pid, None)
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        _reap(process)
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if process is not None:
            finished = pid if process.poll() is not None else 0
        else:
            try:
                finished, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not our child: poll for it instead
                finished = 0 if _alive(pid) else pid
        if finished == pid:
            break
        time.sleep(0.1)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap(process)
    return True


def kill(pid: int, *, grace: float = 10) -> None:
    """Kill the vendor process group at once (the tests' 'vendor died mid-run'), and return
    once no process of the group runs: until then a worker may still hold the listening
    socket, and a client's connection would hang in its backlog instead of being refused."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(_STARTED.pop(pid, None), timeout=grace)
    deadline = time.monotonic() + grace
    while _group_running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _group_running(pgid: int) -> bool:
    """Whether a process of group ``pgid`` is still running (zombies do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text("utf-8").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _reap(process: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    if process is None:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
