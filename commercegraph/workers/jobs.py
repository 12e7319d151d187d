"""The background work, one async function per job, each given settings and the time it runs
as of. Every job is safe to run again and concurrently with itself: the engine keeps one
runner per job at a time anyway, and the one-off CLI commands may run beside it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from commercegraph import bootstrap
from commercegraph.config import Settings

MAX_WEBHOOK_PASSES = 20  # one pass sends at most a batch; a job drains a backlog in bounded time

JobBody = Callable[[Settings, datetime], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Job:
    name: str  # the task's name, its lock and the settings key of its schedule
    run: JobBody
    help: str


async def deliver_webhooks(settings: Settings, now: datetime) -> dict[str, Any]:
    import httpx

    from commercegraph.webhooks.delivery import deliver_due

    if settings.webhook_url is None:
        return {"skipped": "CG_WEBHOOK_URL is not set"}
    totals = {"delivered": 0, "retrying": 0, "failed": 0}
    async with bootstrap.open_store(settings) as store, httpx.AsyncClient() as http:
        for _ in range(MAX_WEBHOOK_PASSES):
            report = await deliver_due(store, settings, http)
            for key in totals:
                totals[key] += len(getattr(report, key))
            if not (report.delivered or report.retrying or report.failed):
                break
    return totals


async def release_reservations(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.usecases.inventory import release_expired

    async with bootstrap.open(settings) as container:
        return {"released": await release_expired(container.registry.inventory, now)}


async def mine_bundles(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.usecases.bundles import mine_recent_bundles

    async with bootstrap.open(settings) as container:
        mined = await mine_recent_bundles(container.registry.commerce, settings, now)
        return {"mined": len(mined)}


async def loyalty_maintenance(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.usecases.loyalty import maintain_points

    async with bootstrap.open(settings) as container:
        points = await maintain_points(container.registry.wallet, now)
    return asdict(points)


async def purge_idempotency(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.usecases.loyalty import purge_idempotency as purge

    retention = timedelta(hours=settings.wallet_idempotency_retention_hours)
    async with bootstrap.open(settings) as container:
        purged = await purge(container.registry.wallet, now - retention)
    return {"purged_keys": purged}


async def refresh_segments(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.customer360.cli import REFRESH_READS
    from commercegraph.customer360.refresh import refresh_all

    bootstrap.require_native(settings, *REFRESH_READS, command="refresh_segments")
    async with bootstrap.open_store(settings) as store:
        minimum = settings.ltv_min_repeat_buyers
        summary = await refresh_all(store, settings.default_currency, min_repeat_buyers=minimum)
        return asdict(summary)


async def recover_checkouts(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.usecases.checkout_recovery import recover

    async with bootstrap.open(settings) as container:
        return dict(await recover(container.registry, settings))


async def refresh_changed_segments(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.customer360.cli import REFRESH_READS
    from commercegraph.customer360.refresh import refresh_changed

    bootstrap.require_native(settings, *REFRESH_READS, command="refresh_changed_segments")
    async with bootstrap.open_store(settings) as store:
        minimum = settings.ltv_min_repeat_buyers
        return await refresh_changed(store, settings.default_currency, min_repeat_buyers=minimum)


async def fill_deliveries(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.usecases.deliveries import DeliveryPorts, fill_due

    async with bootstrap.open(settings) as container:
        result = await fill_due(DeliveryPorts.of(container.registry, settings), now)
    return {"due": result["due"], "filled": len(result["filled"])}


async def dispatch_offers(settings: Settings, now: datetime) -> dict[str, Any]:
    from commercegraph.workers.offers_cli import run_dispatch

    if settings.webhook_url is None:
        return {"skipped": "CG_WEBHOOK_URL is not set"}
    return await run_dispatch(settings, now)


# Every background job the worker schedules. A new job is one entry here and one
# ``<name>_cron`` field in WorkerSettings.
JOBS: tuple[Job, ...] = (
    Job("recover_checkouts", recover_checkouts, "finish or undo checkouts a dead runner left"),
    Job("deliver_webhooks", deliver_webhooks, "send the webhook outbox"),
    Job("release_reservations", release_reservations, "give back expired reservations"),
    Job("loyalty_maintenance", loyalty_maintenance, "release matured, expire old points"),
    Job("purge_idempotency", purge_idempotency, "forget idempotency keys past retention"),
    Job("refresh_segments", refresh_segments, "refit models, recompute segments"),
    Job(
        "refresh_changed_segments",
        refresh_changed_segments,
        "re-score customers with new orders or events",
    ),
    Job("mine_bundles", mine_bundles, "recompute frequently-bought-together bundles"),
    Job("fill_deliveries", fill_deliveries, "fill the carts of due delivery subscriptions"),
    Job("dispatch_offers", dispatch_offers, "push the day's offers as signed webhooks"),
)
