"""``commercegraph backends serve|openapi|vendor``: the reference backends, their contract and
the real vendor systems."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from commercegraph.config import DOMAINS, Settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph.backends.serve import BackendServers
    from commercegraph.telemetry import configure_logging, configure_telemetry

    configure_logging(settings.log_level)
    configure_telemetry(settings.otel, service_name="commercegraph-backends")
    port_base = args.port_base or None  # 0: ephemeral ports, printed below
    servers = BackendServers(settings, host=args.host, port_base=port_base, token=args.token)
    for domain, url in servers.urls.items():
        print(
            f"{domain:10} {url}    CG_ADAPTERS__{domain.upper()}=rest "
            f"CG_REST__{domain.upper()}__URL={url}",
            flush=True,
        )
    try:
        asyncio.run(servers.serve())
    except KeyboardInterrupt:
        pass
    return 0


def _openapi(_: Settings, args: argparse.Namespace) -> int:
    from commercegraph.backends.openapi import render

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        (out / f"{domain}.yaml").write_text(render(domain), encoding="utf-8")
        print(f"wrote {out / f'{domain}.yaml'}")
    return 0


def add_commands(sub: Any) -> None:
    backends = sub.add_parser("backends", help="reference REST backends on the native store")
    actions = backends.add_subparsers(dest="backends_command", required=True)
    serve = actions.add_parser("serve", help="serve the six domains, one port each")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port-base",
        type=int,
        default=9100,
        help="commerce, content, ... +0..5; 0 for ephemeral ports",
    )
    serve.add_argument("--token", default=None, help="require this bearer token")
    serve.set_defaults(handler=_serve)
    openapi = actions.add_parser("openapi", help="write openapi/<domain>.yaml")
    openapi.add_argument("--output", default="openapi", help="directory to write into")
    openapi.set_defaults(handler=_openapi, needs_store=False)
    from commercegraph.backends.vendors import add_commands as add_vendor_commands

    add_vendor_commands(actions)
    from commercegraph.backends.composable import add_commands as add_composable_commands

    add_composable_commands(sub)
