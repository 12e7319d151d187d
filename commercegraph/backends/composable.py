"""``commercegraph serve-composable``: the product's promise in one command.

Vendure serves commerce (catalog, variants, carts and orders), pricing (variant prices) and
stock; Strapi serves content; the gateway's own store serves customers, wallet and loyalty,
rules, personalisation — and whatever capability a vendor does not declare. Both systems are
installed into the cache on the first run (minutes) and started on free loopback ports (a few
seconds later); the gateway then serves GraphiQL on ``--host``/``--port`` with the same
journey queries as ``make run``. On exit the systems this command started are stopped, by
their process ids.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from typing import Any

from commercegraph.adapters import harness
from commercegraph.backends.vendors import vendor_harness
from commercegraph.config import Settings

# system -> the domains it serves in the composable demo
SYSTEMS: dict[str, tuple[str, ...]] = {
    "vendure": ("commerce", "pricing", "inventory"),
    "strapi": ("content",),
}


def composable_env(started: dict[str, harness.Started]) -> dict[str, str]:
    """The ``CG_*`` variables that point the gateway at the started systems."""
    env: dict[str, str] = {}
    for name, domains in SYSTEMS.items():
        env.update(vendor_harness(name).settings_env(started[name]))
        for domain in domains:
            env[f"CG_ADAPTERS__{domain.upper()}"] = name
    return env


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the systems as Ctrl-C does


def _serve(_: Settings, args: argparse.Namespace) -> int:
    started: dict[str, harness.Started] = {}
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name in SYSTEMS:
            began = time.monotonic()
            module = vendor_harness(name)
            if not harness.is_installed(harness.install_dir(name, module.VERSION)):
                print(f"installing {name} {module.VERSION} into the cache (first run only)...")
            started[name] = module.start(None)
            print(
                f"{name} {module.VERSION} on {started[name].url} (pid {started[name].pid}, "
                f"{time.monotonic() - began:.0f} s)",
                flush=True,
            )
        env = {**os.environ, **composable_env(started)}
        for key in sorted(composable_env(started)):
            if "TOKEN" not in key and "PASSWORD" not in key:
                print(f"  {key}={env[key]}")
        print(f"GraphiQL: http://{args.host}:{args.port}/graphql", flush=True)
        command = [sys.executable, "-m", "commercegraph", "serve"]
        command += ["--host", args.host, "--port", str(args.port)]
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        for name, process in started.items():
            harness.stop(process.pid)
            print(f"stopped {name} (pid {process.pid})")


def add_commands(sub: Any) -> None:
    serve = sub.add_parser(
        "serve-composable",
        help="serve the gateway over real Vendure (commerce) and Strapi (content) systems",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.set_defaults(handler=_serve, needs_store=False)
