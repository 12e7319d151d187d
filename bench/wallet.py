"""Benchmark ledger postings on PostgreSQL: ``python bench/wallet.py [--seconds 5]``.

Creates a throw-away database on 127.0.0.1 (``CG_BENCH_POSTGRES_URL``, default the
``test`` database's server), migrates it, and measures wallet payments (one balanced
ledger transaction each, with its idempotency record) in two shapes: 20 customers paying
concurrently, and 20 workers paying from one hot account. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import time
from typing import Any

import asyncpg

from commercegraph.adapters.base import NewPaymentMethod
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.config import Settings
from commercegraph.store.db import Store, create_engine
from commercegraph.store.migrate import upgrade

ADMIN_URL = os.environ.get(
    "CG_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
WORKERS = 20


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _customer(wallet: NativeWallet, n: int, balance: int) -> str:
    cid = f"cus_bench_{n}"
    card = await wallet.add_payment_method(
        cid,
        NewPaymentMethod(
            "CARD", f"tok_bench_{n}_{secrets.token_hex(4)}", brand="Visa", last4="4242"
        ),
    )
    left = balance
    while left > 0:
        step = min(left, wallet.settings.wallet_max_top_up)
        await wallet.top_up(cid, step, card.id, f"fund-{left}")
        left -= step
    return cid


async def _run(wallet: NativeWallet, payers: list[str], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker(w: int, cid: str) -> int:
        done = 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            await wallet.pay(cid, 1, "bench", f"w{w}-{done}-{secrets.token_hex(3)}")
            latencies.append(time.perf_counter() - started)
            done += 1
        return done

    started, cpu = time.perf_counter(), time.process_time()
    counts = await asyncio.gather(*(worker(w, cid) for w, cid in enumerate(payers)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    return {
        "workers": len(payers),
        "postings": sum(counts),
        "seconds": round(elapsed, 2),
        "postings_per_second": round(sum(counts) / elapsed, 1),
        # gateway-side CPU per posting: the share of a core this process spent on each one
        "client_cpu_ms_per_posting": round(cpu / max(1, sum(counts)) * 1000, 2),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 2),
        "latency_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


async def _bench(url: str, seconds: float) -> dict[str, Any]:
    store = Store(create_engine(url, pool_size=WORKERS))
    wallet = NativeWallet(store, Settings(database_url=url))
    try:
        customers = [await _customer(wallet, n, 1_000_000) for n in range(WORKERS)]
        await _run(wallet, customers, 1.0)  # warm the pool and the caches
        spread = await _run(wallet, customers, seconds)
        hot = await _run(wallet, [customers[0]] * WORKERS, seconds)
        return {"distinct_customers": spread, "one_hot_account": hot}
    finally:
        await store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    name = f"cg_bench_{secrets.token_hex(6)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    try:
        upgrade(url)
        result = asyncio.run(_bench(url, args.seconds))
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(
        json.dumps(
            {
                "benchmark": "wallet_ledger_postgresql",
                "cpu_count": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 2),  # the machine is shared
                **result,
            }
        )
    )


if __name__ == "__main__":
    main()
