"""The background tasks on procrastinate, on PostgreSQL: two worker processes share the
schedule (a period's job runs once), retries, and one waiting job per task."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import asyncpg
import pytest

from commercegraph.config import Settings
from commercegraph.workers.app import build_app
from commercegraph.workers.jobs import Job
from commercegraph.workers.settings import WorkerSettings
from tests.conftest import _asyncpg_dsn
from tests.workers.conftest import Receiver, add_outbox

pytestmark = pytest.mark.postgres

EVERY_SECOND = "* * * * * *"
RUN_SECONDS = 7
LATE_ROWS_WITHIN_S = 30.0
DUPLICATE_GRACE_S = 3.0  # three periods: a second delivery of a row would show by then


def _worker_env(url: str, receiver: Receiver) -> dict[str, str]:
    return {
        **os.environ,
        "CG_DATABASE_URL": url,
        "CG_WEBHOOK_URL": receiver.url,
        "CG_LOG_LEVEL": "WARNING",
        "CG_WORKERS__DELIVER_WEBHOOKS_CRON": EVERY_SECOND,
        "CG_WORKERS__RELEASE_RESERVATIONS_CRON": EVERY_SECOND,
        "CG_WORKERS__LOYALTY_MAINTENANCE_CRON": "",
        "CG_WORKERS__PURGE_IDEMPOTENCY_CRON": "",
        "CG_WORKERS__REFRESH_SEGMENTS_CRON": "",
        "CG_WORKERS__MINE_BUNDLES_CRON": "",
    }


async def _rows(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


def test_two_workers_run_each_period_once_and_deliver_each_webhook_once(
    jobs_db: str, receiver: Receiver
) -> None:
    ids = add_outbox(jobs_db, 40)
    env = _worker_env(jobs_db, receiver)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "commercegraph", "worker", "--name", f"w{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for n in range(2)
    ]
    try:
        time.sleep(RUN_SECONDS)
        # more outbox rows while both run: the next periods pick them up
        ids += add_outbox(jobs_db, 20, prefix="late")
        # a few periods for the late rows; a loaded machine drops or delays some periods, so
        # wait until each row has arrived (bounded), then a while longer for any duplicate
        deadline = time.monotonic() + LATE_ROWS_WITHIN_S
        while set(receiver.deliveries) < set(ids) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(DUPLICATE_GRACE_S)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=30)[0].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs

    assert dict(receiver.deliveries) == dict.fromkeys(ids, 1)
    deferred = asyncio.run(
        _rows(
            jobs_db,
            "SELECT task_name, count(DISTINCT args->>'timestamp') AS n FROM procrastinate_jobs"
            " GROUP BY 1",
        )
    )
    runs = asyncio.run(
        _rows(
            jobs_db,
            "SELECT task_name, count(*) AS n FROM commercegraph_periodic_runs GROUP BY 1",
        )
    )
    periods = {r["task_name"]: r["n"] for r in deferred}
    ran = {r["task_name"]: r["n"] for r in runs}
    for task in ("deliver_webhooks", "release_reservations"):
        # one waiting job per task (the queueing lock) drops a period while the previous one
        # still waits, as it may on a loaded machine: at least a few periods, not every one
        assert periods.get(task, 0) >= 2, f"{task} deferred in {periods} periods"
        # a period deferred by both workers runs once: its body claims the period first
        assert 0 < ran.get(task, 0) <= periods[task], (task, ran, periods)


def test_a_task_has_one_waiting_job_at_a_time(jobs_db: str) -> None:
    env = {**os.environ, "CG_DATABASE_URL": jobs_db}
    first, second = (
        subprocess.run(
            [sys.executable, "-m", "commercegraph", "worker", "--defer", "refresh_segments"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        for _ in range(2)
    )
    assert first.returncode == 0 and '"job": 1' in first.stdout, first.stderr
    assert second.returncode == 0 and '"alreadyQueued": true' in second.stdout, second.stderr
    unknown = subprocess.run(
        [sys.executable, "-m", "commercegraph", "worker", "--defer", "no_such_task"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 2 and "no task 'no_such_task'" in unknown.stderr


async def test_a_failing_job_is_retried_until_it_succeeds(jobs_db: str) -> None:
    attempts: list[datetime] = []
    succeeded = asyncio.Event()

    async def flaky(settings: Settings, now: datetime) -> dict[str, object]:
        attempts.append(now)
        if len(attempts) < 3:
            raise RuntimeError("backend down")
        succeeded.set()
        return {"ok": True}

    settings = Settings(
        database_url=jobs_db, workers=WorkerSettings(max_attempts=5, retry_wait_seconds=1)
    )
    app = build_app(settings, jobs=[Job("flaky", flaky, "fails twice")])
    async with app.open_async():
        await app.tasks["flaky"].defer_async()
        worker = asyncio.create_task(
            app.run_worker_async(queues=[settings.workers.queue], install_signal_handlers=False)
        )
        try:
            async with asyncio.timeout(30):
                await succeeded.wait()
                await asyncio.sleep(0.5)  # the worker records the outcome after the body
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
    statuses = await _rows(
        jobs_db, "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = 'flaky'"
    )
    assert [(r["status"], r["attempts"]) for r in statuses] == [("succeeded", 3)]


def test_the_worker_refuses_sqlite() -> None:
    env = {**os.environ, "CG_DATABASE_URL": "sqlite+aiosqlite:///./x.db"}
    result = subprocess.run(
        [sys.executable, "-m", "commercegraph", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "PostgreSQL" in result.stderr
