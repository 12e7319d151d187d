"""Schedules and retry policy of the background tasks (``CG_WORKERS__...``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WorkerSettings(BaseModel):
    """Cron expressions (five fields, or six with seconds last) per task; "" turns one off."""

    deliver_webhooks_cron: str = "* * * * * */10"
    release_reservations_cron: str = "* * * * *"
    recover_checkouts_cron: str = "* * * * *"
    loyalty_maintenance_cron: str = "5 * * * *"
    purge_idempotency_cron: str = "35 * * * *"
    refresh_segments_cron: str = "15 2 * * *"
    refresh_changed_segments_cron: str = "*/15 * * * *"
    mine_bundles_cron: str = "45 3 * * *"
    fill_deliveries_cron: str = "10 * * * *"
    dispatch_offers_cron: str = "0 9 * * *"
    max_attempts: int = Field(default=5, ge=1)  # per job, then it stays failed for an operator
    retry_wait_seconds: int = Field(default=2, ge=1)  # exponential: 2, 4, 8, 16 s
    concurrency: int = Field(default=2, ge=1)  # jobs one worker process runs at once
    queue: str = "commercegraph"

    def cron_for(self, job: str) -> str:
        return str(getattr(self, f"{job}_cron"))
