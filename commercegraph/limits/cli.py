"""``commercegraph allow-list ops/*.graphql --output operations.json``: the persisted
operations a production gateway runs (``limits.persisted``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from commercegraph.limits.persisted import build_allow_list


def _write(_: object, args: argparse.Namespace) -> int:
    allowed = build_allow_list(args.documents)
    args.output.write_text(json.dumps(allowed, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(allowed)} operations to {args.output}")
    return 0


def register(sub: Any) -> None:
    command = sub.add_parser(
        "allow-list", help="hash .graphql documents into a persisted-operation allow-list"
    )
    command.add_argument("documents", nargs="+", type=Path, help=".graphql files to allow")
    command.add_argument(
        "--output", type=Path, default=Path("operations.json"), help="allow-list file to write"
    )
    command.set_defaults(handler=_write, needs_store=False)
