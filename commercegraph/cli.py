"""CommerceGraph: one customer-centric GraphQL graph over commerce, content, CRM, pricing,
inventory, wallet and loyalty backends."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from commercegraph import __version__, bootstrap
from commercegraph.cli_support import (
    MAX_TOKEN_TTL_SECONDS,
    CommandParser,
    int_range,
    require_store,
    run_command,
)
from commercegraph.config import Settings
from commercegraph.progress import showing_progress


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph.serving import serve

    bootstrap.check(settings)
    serve(settings, args.host, args.port, args.workers)
    return 0


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from commercegraph.store.migrate import upgrade

    upgrade(settings.database_url)
    from commercegraph.workers.schema import migrate_job_tables

    migrate_job_tables(settings.database_url)
    print(f"migrated {settings.database_url}")
    return 0


async def _seed_async(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from commercegraph.demo import clear_demo, seed_demo
    from commercegraph.store import models as m

    async with bootstrap.open_store(settings) as store:
        async with store.read() as session:
            existing = await session.scalar(select(func.count()).select_from(m.Product))
        if existing:
            if args.if_empty:
                print(f"store already holds {existing} products; not seeding")
                return 0
            if not args.reset:
                print("store is not empty: use --reset to replace its data", file=sys.stderr)
                return 2
            await clear_demo(store)
        summary = await seed_demo(store, customers=args.customers, seed=args.seed)
        print(json.dumps(summary.__dict__ if hasattr(summary, "__dict__") else _asdict(summary)))
        return 0


def _asdict(obj: object) -> dict[str, object]:
    from dataclasses import asdict, is_dataclass

    return asdict(obj) if is_dataclass(obj) and not isinstance(obj, type) else {}


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_seed_async(settings, args))


async def _customer_id(settings: Settings, who: str) -> str | None:
    from commercegraph.services.identity import normalise_identifier

    async with bootstrap.open(settings) as container:
        crm = container.registry.customer
        if "@" in who:
            (found,) = await crm.resolve_identifiers(
                [("EMAIL", normalise_identifier("EMAIL", who))]
            )
            return found
        (record,) = await crm.customers_by_id([who])
        return record.id if record else None


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph.auth import issue_token

    if settings.is_production:
        print("refused: dev tokens are not issued when CG_ENV=production", file=sys.stderr)
        return 2
    if args.staff:
        print(
            issue_token(
                settings, subject=args.subject or "staff", scope="staff", ttl_seconds=args.ttl
            )
        )
        return 0
    require_store(settings.database_url)
    customer_id = asyncio.run(_customer_id(settings, args.customer))
    if customer_id is None:
        print(f"no customer {args.customer!r} in {settings.database_url}", file=sys.stderr)
        return 1
    print(issue_token(settings, subject=customer_id, scope="customer", ttl_seconds=args.ttl))
    return 0


def _export_schema(_: Settings, args: argparse.Namespace) -> int:
    from commercegraph.schema import build_schema

    sdl = build_schema().as_str()
    if args.federated:
        from commercegraph.federation import federated_sdl

        sdl = federated_sdl(sdl)
    Path(args.output).write_text(sdl + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def _config_reference(_: Settings, args: argparse.Namespace) -> int:
    from commercegraph.config_reference import render

    Path(args.output).write_text(render(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="commercegraph",
        description=__doc__,
        epilog="Settings come from CG_* environment variables (see the configuration "
        "reference in docs/). `commercegraph COMMAND --help` describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--traceback", action="store_true", help="show the full traceback when a command fails"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve /graphql (GraphiQL in dev), /healthz, /readyz")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port", type=int_range(0, 65535), default=8000, help="port to listen on (0: any free one)"
    )
    serve.add_argument(
        "--workers",
        type=int_range(1, 64),
        default=1,
        help="processes sharing the port (one per core)",
    )
    # A server starts on any store: /readyz answers 503 until it is migrated.
    serve.set_defaults(handler=_serve, needs_store=False)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_migrate, needs_store=False)

    seed = sub.add_parser("seed", help="generate the demo retailer into a migrated database")
    seed.add_argument(
        "--customers", type=int_range(0), default=500, help="ordinary customers to generate"
    )
    seed.add_argument("--seed", type=int, default=42, help="random seed: same seed, same rows")
    seed.add_argument("--reset", action="store_true", help="delete existing data first")
    seed.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    seed.set_defaults(handler=_seed)

    token = sub.add_parser("token", help="print a bearer token for local use (dev only)")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", help="customer email or id")
    who.add_argument("--staff", action="store_true", help="a staff token instead")
    token.add_argument("--subject", help="subject of a staff token (default: staff)")
    token.add_argument(
        "--ttl",
        type=int_range(1, MAX_TOKEN_TTL_SECONDS),
        default=None,
        help="lifetime in seconds (default: CG_TOKEN_TTL_SECONDS)",
    )
    token.set_defaults(handler=_token, needs_store=False)  # only --customer reads the store

    export = sub.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", default="schema.graphql", help="file to write")
    export.add_argument(
        "--federated", action="store_true", help="the Apollo Federation v2 subgraph SDL instead"
    )
    export.set_defaults(handler=_export_schema, needs_store=False)

    reference = sub.add_parser(
        "config-reference", help="write the configuration reference from the settings models"
    )
    reference.add_argument("--output", default="docs/configuration.md", help="file to write")
    reference.set_defaults(handler=_config_reference, needs_store=False)

    # Each domain registers its subcommands from its own module:
    # gateway core
    from commercegraph.backends.cli import add_commands as add_backend_commands

    add_backend_commands(sub)
    # inventory and bundles
    from commercegraph.workers.inventory_cli import register as register_inventory

    register_inventory(sub)
    from commercegraph.workers.checkout_cli import register as register_checkout

    register_checkout(sub)
    from commercegraph.workers.deliveries_cli import register as register_deliveries

    register_deliveries(sub)
    # customer 360
    from commercegraph.customer360.cli import add_commands as add_customer360_commands

    add_customer360_commands(sub)
    # wallet and loyalty
    from commercegraph.workers.wallet_cli import register as register_wallet

    register_wallet(sub)
    # personalisation
    from commercegraph.webhooks.cli import register as register_webhook_commands

    register_webhook_commands(sub)
    from commercegraph.workers.offers_cli import register as register_offer_commands

    register_offer_commands(sub)
    # hardening
    from commercegraph.limits.cli import register as register_allow_list

    register_allow_list(sub)
    from commercegraph.workers.cli import register as register_worker

    register_worker(sub)
    from commercegraph.events.sources.cli import register as register_event_streams

    register_event_streams(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from commercegraph.adapters.registry import AdapterConfigError
    from commercegraph.security.production import InsecureConfiguration

    args = build_parser().parse_args(argv)
    database_url = ""

    def run() -> int:
        nonlocal database_url
        try:
            settings = bootstrap.load_settings()
            database_url = settings.database_url
            if getattr(args, "needs_store", True):
                require_store(settings.database_url)
            label = " ".join(
                str(v) for k, v in vars(args).items() if k.endswith(("command", "action")) and v
            )
            with showing_progress(label):
                return int(args.handler(settings, args))
        except (InsecureConfiguration, AdapterConfigError) as exc:
            print(f"refusing to start: {exc}", file=sys.stderr)
            return 2

    return run_command(run, lambda: database_url, traceback=args.traceback)


if __name__ == "__main__":
    raise SystemExit(main())
