"""``commercegraph worker``: run the background tasks on their schedules until stopped.

``commercegraph worker --defer NAME`` queues one run of a task now (a worker picks it up);
``commercegraph worker --list`` prints each task and its schedule.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from typing import Any

from commercegraph.config import Settings


async def _work(settings: Settings, args: argparse.Namespace) -> int:
    from procrastinate.exceptions import AlreadyEnqueued

    from commercegraph.workers.app import build_app

    app = build_app(settings)
    async with app.open_async():
        if not await app.check_connection_async():
            print("no job tables: run commercegraph migrate first", file=sys.stderr)
            return 2
        if args.defer:
            try:
                job_id = await app.tasks[args.defer].defer_async()
            except AlreadyEnqueued:
                print(json.dumps({"deferred": args.defer, "job": None, "alreadyQueued": True}))
                return 0
            print(json.dumps({"deferred": args.defer, "job": job_id}))
            return 0
        await app.run_worker_async(
            queues=[settings.workers.queue],
            concurrency=args.concurrency or settings.workers.concurrency,
            name=args.name,
            wait=not args.until_idle,
            install_signal_handlers=True,
        )
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from commercegraph.workers.app import WorkerConfigError, conninfo
    from commercegraph.workers.jobs import JOBS

    if args.list:
        for job in JOBS:
            print(f"{job.name:22} {settings.workers.cron_for(job.name) or '-':16} {job.help}")
        return 0
    try:
        conninfo(settings.database_url)
    except WorkerConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.defer and args.defer not in {job.name for job in JOBS}:
        print(f"no task {args.defer!r}: see commercegraph worker --list", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    return asyncio.run(_work(settings, args))


def register(sub: Any) -> None:
    command = sub.add_parser("worker", help="run the background tasks on their schedules")
    command.add_argument("--concurrency", type=int, help="jobs at once (CG_WORKERS__CONCURRENCY)")
    command.add_argument("--name", default=None, help="worker name shown in the job table")
    command.add_argument("--until-idle", action="store_true", help="exit once queues are empty")
    command.add_argument("--defer", metavar="TASK", help="queue one run of TASK now, then exit")
    command.add_argument("--list", action="store_true", help="print the tasks and schedules")
    command.set_defaults(handler=_worker, needs_store=False)  # refuses SQLite itself
