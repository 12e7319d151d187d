"""``commercegraph backends vendor install|start|stop|status NAME``: the real vendor systems.

Each name maps to its adapter package's ``harness`` module, which provides
``VERSION``, ``install() -> Path`` (idempotent, into the cache), ``start(port: int | None)
-> Started`` (installs when needed, seeds the demo catalogue, waits until it answers) and
``settings_env(started) -> dict[str, str]`` (the ``CG_*`` variables that point the gateway
at it). ``start`` records the process in ``<install dir>/running.json`` so that ``stop`` ends
exactly the process it started, by its id.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from commercegraph.adapters import harness
from commercegraph.config import Settings

VENDORS: dict[str, str] = {
    "vendure": "commercegraph.adapters.vendure.harness",
    "medusa": "commercegraph.adapters.medusa.harness",
    "strapi": "commercegraph.adapters.strapi.harness",
    "wagtail": "commercegraph.adapters.wagtail.harness",
}


def vendor_harness(name: str) -> ModuleType:
    module = VENDORS.get(name)
    if module is None:
        raise SystemExit(f"unknown vendor system {name!r} (known: {', '.join(sorted(VENDORS))})")
    return importlib.import_module(module)


def _running_file(module: ModuleType, name: str) -> Path:
    return harness.install_dir(name, module.VERSION) / "running.json"


def _install(_: Settings, args: argparse.Namespace) -> int:
    module = vendor_harness(args.name)
    folder = module.install()
    print(f"{args.name} {module.VERSION} installed in {folder}")
    return 0


def _start(_: Settings, args: argparse.Namespace) -> int:
    module = vendor_harness(args.name)
    running = _running_file(module, args.name)
    if running.exists():
        print(f"{args.name} already started: {running.read_text('utf-8')}")
        return 1
    started = module.start(args.port or None)
    env = module.settings_env(started)
    running.write_text(
        json.dumps({"pid": started.pid, "url": started.url, "log": str(started.log)}), "utf-8"
    )
    print(f"{args.name} {module.VERSION} on {started.url} (pid {started.pid}, log {started.log})")
    for key, value in env.items():
        print(f"export {key}={value}")
    return 0


def _stop(_: Settings, args: argparse.Namespace) -> int:
    module = vendor_harness(args.name)
    running = _running_file(module, args.name)
    if not running.exists():
        print(f"{args.name} is not running (started by this command)")
        return 0
    pid = int(json.loads(running.read_text("utf-8"))["pid"])
    stopped = harness.stop(pid)
    running.unlink()
    print(f"{args.name} (pid {pid}) {'stopped' if stopped else 'was already gone'}")
    return 0


def _status(_: Settings, args: argparse.Namespace) -> int:
    for name in [args.name] if args.name else sorted(VENDORS):
        module = vendor_harness(name)
        folder = harness.install_dir(name, module.VERSION)
        running = _running_file(module, name)
        state = "installed" if harness.is_installed(folder) else "not installed"
        if running.exists():
            state += f", running {running.read_text('utf-8')}"
        print(f"{name:8} {module.VERSION:10} {state}  ({folder})")
    return 0


def add_commands(backends: Any) -> None:
    vendor = backends.add_parser("vendor", help="install, start and stop real vendor systems")
    actions = vendor.add_subparsers(dest="vendor_command", required=True)
    for action, handler, text in (
        ("install", _install, "install into ~/.cache/commercegraph/backends (reused)"),
        ("start", _start, "start on a free loopback port with the demo catalogue"),
        ("stop", _stop, "stop the process `start` started, by its id"),
    ):
        parser = actions.add_parser(action, help=text)
        parser.add_argument("name", choices=sorted(VENDORS), help="the vendor system")
        if action == "start":
            parser.add_argument("--port", type=int, default=0, help="0: a free port")
        parser.set_defaults(handler=handler, needs_store=False)
    status = actions.add_parser("status", help="what is installed and running")
    status.add_argument(
        "name", nargs="?", choices=sorted(VENDORS), help="one system (default: all)"
    )
    status.set_defaults(handler=_status, needs_store=False)
