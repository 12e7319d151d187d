"""The procrastinate app: every job a task with its schedule, retries and a lock.

Each task carries a ``lock`` (jobs of one task never run at the same time, on any worker)
and a ``queueing_lock`` (at most one waiting job per task, so a slow run is not followed by
a pile of queued ones). Periodic jobs are deferred by every worker, but the database keeps
one job per task and scheduled time, so two workers run a period's job once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

import procrastinate

from commercegraph.config import Settings
from commercegraph.workers.jobs import JOBS, Job

JOB_HISTORY_HOURS = 72  # finished jobs kept this long for operators, then removed
PRUNE_CRON = "50 4 * * *"

log = logging.getLogger("commercegraph.workers")


class WorkerConfigError(ValueError):
    """The worker cannot run with these settings."""


def conninfo(database_url: str) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL (the job engine speaks psycopg)."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise WorkerConfigError(
            "background jobs run on PostgreSQL: set CG_DATABASE_URL=postgresql+asyncpg://..."
            " (on SQLite, run the one-off commands instead)"
        )
    return f"postgresql://{rest}"


# Each scheduled period of a task runs once, however many workers deferred it: the job
# engine dedupes defers of one period, but a worker starting a moment after another can
# defer a period the other has already moved past (it keeps only each task's newest).
PERIOD_RUNS_TABLE = """
CREATE TABLE IF NOT EXISTS commercegraph_periodic_runs (
    task_name varchar(128) NOT NULL,
    period bigint NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_name, period)
)"""
CLAIM_PERIOD = """
INSERT INTO commercegraph_periodic_runs (task_name, period)
VALUES (%(task_name)s, %(period)s)
ON CONFLICT DO NOTHING
RETURNING period"""
PRUNE_PERIODS = """
DELETE FROM commercegraph_periodic_runs WHERE started_at < now() - interval '3 days'"""


def _task_body(
    settings: Settings, job: Job, app: procrastinate.App
) -> Callable[..., Awaitable[None]]:
    async def run(timestamp: int | None = None) -> None:
        if timestamp is not None:
            claimed = await app.connector.execute_query_one_async(
                CLAIM_PERIOD, task_name=job.name, period=timestamp
            )
            if claimed is None:
                log.info("%s %s", job.name, json.dumps({"skipped": "period already run"}))
                return
        as_of = datetime.fromtimestamp(timestamp, UTC) if timestamp else datetime.now(UTC)
        result = await job.run(settings, as_of)
        log.info("%s %s", job.name, json.dumps(result, default=str))

    run.__name__ = job.name
    run.__qualname__ = job.name
    return run


def build_app(settings: Settings, jobs: Sequence[Job] = JOBS) -> procrastinate.App:
    workers = settings.workers
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url))
    )
    retry = procrastinate.RetryStrategy(
        max_attempts=workers.max_attempts, exponential_wait=workers.retry_wait_seconds
    )
    for job in jobs:
        task = app.task(
            name=job.name,
            queue=workers.queue,
            lock=job.name,
            queueing_lock=job.name,
            retry=retry,
        )(_task_body(settings, job, app))
        cron = workers.cron_for(job.name) if hasattr(workers, f"{job.name}_cron") else ""
        if cron:
            app.periodic(cron=cron, periodic_id=job.name)(task)

    async def prune_job_history(timestamp: int | None = None) -> None:
        # failed jobs stay for an operator to look at and retry
        await app.job_manager.delete_old_jobs(nb_hours=JOB_HISTORY_HOURS, queue=workers.queue)
        await app.connector.execute_query_async(PRUNE_PERIODS)

    prune = app.task(name="prune_job_history", queue=workers.queue, lock="prune_job_history")(
        prune_job_history
    )
    app.periodic(cron=PRUNE_CRON, periodic_id="prune_job_history")(prune)
    return app


async def ensure_schema(app: procrastinate.App) -> bool:
    """Create the job tables when absent; True when they were created."""
    await app.connector.execute_query_async(PERIOD_RUNS_TABLE)
    if await app.check_connection_async():
        return False
    await app.schema_manager.apply_schema_async()
    return True
