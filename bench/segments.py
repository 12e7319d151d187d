"""Segment refresh and model fitting on a large customer base; prints one JSON object.

    .venv/bin/python bench/segments.py [--customers 100000] [--db PATH]

Seeds the demo retailer with ``--customers`` customers into a temporary SQLite file
(``seed_s``, timed apart: seeding is not what this measures, and it includes one refresh
of its own), then runs ``segments refresh`` in a fresh process so that its wall time and
peak memory (``refresh_peak_rss_mib``) are the refresh's alone. Targets: under 60 s and
2 GiB for 100,000 customers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 60.0
TARGET_MIB = 2048.0


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


async def _seed(url: str, customers: int) -> dict[str, Any]:
    from commercegraph.demo import seed_demo
    from commercegraph.store.db import Store, create_engine

    store = Store(create_engine(url))
    try:
        summary = await seed_demo(store, customers=customers, seed=42)
    finally:
        await store.dispose()
    return {"orders": summary.orders, "order_lines": summary.order_lines}


async def _refresh(url: str) -> dict[str, Any]:
    from commercegraph.customer360.refresh import refresh_all, refresh_customers
    from commercegraph.store.db import Store, create_engine

    store = Store(create_engine(url))
    try:
        started = time.perf_counter()
        summary = await refresh_all(store, "USD")
        total = time.perf_counter() - started
        started = time.perf_counter()
        await refresh_customers(store, ["cus_devi"], "USD")
        incremental = time.perf_counter() - started
    finally:
        await store.dispose()
    return {
        "refresh_s": round(total, 3),
        "refresh_phases_s": {
            "load": summary.load_s,
            "fit_and_segment": summary.fit_s,
            "write": summary.write_s,
        },
        "incremental_one_customer_ms": round(incremental * 1000, 1),
        "customers": summary.customers,
        "buyers": summary.buyers,
        "memberships": summary.memberships,
        "bgnbd": summary.bgnbd,
        "gamma_gamma": summary.gamma_gamma,
        "refresh_peak_rss_mib": round(_peak_rss_mib(), 1),
    }


def _fit_only(customers: int) -> dict[str, Any]:
    """The two maximum-likelihood fits alone, on simulated arrays of the same size."""
    import numpy as np

    from commercegraph.services.ltv import fit_bgnbd, fit_gamma_gamma

    rng = np.random.default_rng(1)
    age = rng.uniform(30, 730, customers)
    frequency = rng.poisson(rng.gamma(0.8, 1 / 40, customers) * age * 0.5).astype(float)
    recency = np.where(frequency > 0, rng.uniform(0, 1, customers) * age, 0.0)
    monetary = np.where(frequency > 0, rng.gamma(6.0, 500.0, customers), 0.0)
    started = time.perf_counter()
    bg = fit_bgnbd(frequency, recency, age)
    gg = fit_gamma_gamma(frequency, monetary)
    return {
        "fit_only_s": round(time.perf_counter() - started, 3),
        "fit_only_params": {"bgnbd": asdict(bg), "gamma_gamma": asdict(gg)},
    }


def _on_postgres(customers: int) -> int:
    import os
    import uuid

    import asyncpg

    from bench._bulk_seed import bulk_seed
    from commercegraph.store.migrate import upgrade

    admin = os.environ.get(
        "CG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    ).replace("postgresql+asyncpg://", "postgresql://", 1)
    name = f"cg_bench_{uuid.uuid4().hex[:10]}"

    async def admin_sql(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    dsn = f"{admin.rpartition('/')[0]}/{name}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    result: dict[str, Any] = {
        "benchmark": "segments",
        "database": "postgresql",
        "target_s": TARGET_SECONDS,
        "target_mib": 1024.0,
    }
    try:
        upgrade(url)
        started = time.perf_counter()
        asyncio.run(_seed(url, 20))  # the demo catalog and its few customers
        result.update(asyncio.run(bulk_seed(dsn, customers)))
        result["seed_s"] = round(time.perf_counter() - started, 3)
        child = subprocess.run(
            [sys.executable, __file__, "--phase", "refresh", "--url", url],
            capture_output=True,
            text=True,
            check=True,
        )
        result.update(json.loads(child.stdout.strip().splitlines()[-1]))
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    result["within_target"] = (
        result["refresh_s"] < TARGET_SECONDS and result["refresh_peak_rss_mib"] < 1024.0
    )
    result["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--db", help="an already seeded SQLite file (skips seeding)")
    parser.add_argument("--phase", choices=["all", "refresh"], default="all")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="on a throw-away PostgreSQL database (CG_TEST_POSTGRES_URL's server), seeded in bulk",
    )
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "refresh":
        url = args.url or f"sqlite+aiosqlite:///{args.db}"
        print(json.dumps(asyncio.run(_refresh(url))))
        return 0
    if args.postgres:
        return _on_postgres(args.customers)

    from commercegraph.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="cg-bench-") as tmp:
        result: dict[str, Any] = {
            "benchmark": "segments",
            "target_s": TARGET_SECONDS,
            "target_mib": TARGET_MIB,
        }
        db = Path(args.db) if args.db else Path(tmp) / "bench.db"
        if not args.db:
            url = f"sqlite+aiosqlite:///{db}"
            upgrade(url)
            started = time.perf_counter()
            result.update(asyncio.run(_seed(url, args.customers)))
            result["seed_s"] = round(time.perf_counter() - started, 3)
        child = subprocess.run(
            [sys.executable, __file__, "--phase", "refresh", "--db", str(db)],
            capture_output=True,
            text=True,
            check=True,
        )
        result.update(json.loads(child.stdout.strip().splitlines()[-1]))
        result.update(_fit_only(result["customers"]))
        result["within_target"] = (
            result["refresh_s"] < TARGET_SECONDS and result["refresh_peak_rss_mib"] < TARGET_MIB
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
