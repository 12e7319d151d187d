"""Benchmark the demo seeder: ``python bench/seed.py --customers 100000``.

Migrates a fresh SQLite file in a temporary directory, seeds it and prints one JSON object:
seeding time, migration time, rows per table, database size and peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from commercegraph.demo import seed_demo
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade
from commercegraph.store.models import Base


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


async def _seed(url: str, customers: int, seed: int, now: datetime) -> dict[str, Any]:
    store = Store(create_engine(url))
    try:
        summary = await seed_demo(store, customers=customers, seed=seed, now=now)
        counts: dict[str, int] = {}
        async with store.read() as session:
            for table in Base.metadata.sorted_tables:
                counts[table.name] = int(
                    await session.scalar(select(func.count()).select_from(table)) or 0
                )
        return {"summary": asdict(summary), "rows": counts}
    finally:
        await store.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    args = parser.parse_args(argv)
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="cg-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if path.exists():
            parser.error(f"{path} exists; the seeder needs an empty database")
        url = f"sqlite+aiosqlite:///{path}"
        started = time.perf_counter()
        upgrade(url)
        migrated = time.perf_counter()
        result = asyncio.run(_seed(url, args.customers, args.seed, now))
        report = {
            "customers": args.customers,
            "seed": args.seed,
            "migrate_s": round(migrated - started, 3),
            "seed_s": result["summary"]["elapsed_s"],
            "total_s": round(time.perf_counter() - started, 3),
            "rows": result["rows"],
            "total_rows": sum(result["rows"].values()),
            "db_mib": round(path.stat().st_size / 2**20, 1),
            "peak_rss_mib": peak_rss_mib(),
        }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
