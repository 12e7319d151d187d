"""``/healthz`` (the process answers) and ``/readyz`` (it can serve, or which part cannot).

Ready means: the store answers, its schema is at the migration head this release ships, and
each backend's circuit is closed and, where the adapter has one, its health call answers.
A store or schema problem is ``503``. A backend problem is named too, but is ``503`` only
with ``CG_READY_REQUIRES_BACKENDS=true``: a backend that is down costs its own fields, and
taking every replica out of the load balancer for it would cost the whole graph.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy.engine import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.store.db import Store
from commercegraph.store.migrate import alembic_config

CHECK_TIMEOUT_S = 2.0  # a probe answers within the orchestrator's default 1-5 s window
Endpoint = Callable[[Request], Awaitable[Response]]


def migration_heads(database_url: str) -> frozenset[str]:
    """The revisions this release's migrations end at."""
    return frozenset(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def _current_heads(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


async def check_store(store: Store, heads: frozenset[str]) -> dict[str, Any]:
    """The store's reachability and migration state; ``ok`` is False with the reason."""
    try:
        async with store.engine.connect() as conn:
            current = await asyncio.wait_for(conn.run_sync(_current_heads), CHECK_TIMEOUT_S)
    except Exception as exc:  # any failure to reach the store means not ready
        return {"ok": False, "part": "store", "error": type(exc).__name__}
    if current != heads:
        return {
            "ok": False,
            "part": "migrations",
            "error": "the database is not at the migration head: run `commercegraph migrate`",
            "current": sorted(current),
            "head": sorted(heads),
        }
    return {"ok": True, "revision": sorted(current)}


async def check_backend(adapter: Any) -> dict[str, Any]:
    """The circuit state and, for adapters that offer one, a health call."""
    report: dict[str, Any] = {"ok": True}
    # decorators over the guarded adapter (publishing change events) keep it as ``_inner``
    while not isinstance(adapter, GuardedAdapter) and "_inner" in vars(adapter):
        adapter = vars(adapter)["_inner"]
    if isinstance(adapter, GuardedAdapter):
        health = adapter.health()
        report.update(adapter=health.adapter, circuit=health.circuit)
        if health.circuit != "CLOSED":
            report.update(ok=False, error=f"circuit {health.circuit}")
            return report
        adapter = adapter.inner
    health_check = getattr(adapter, "health_check", None)
    if health_check is not None:
        try:
            await asyncio.wait_for(health_check(), CHECK_TIMEOUT_S)
        except Exception as exc:  # a health call that fails in any way is a failed check
            report.update(ok=False, error=type(exc).__name__)
    return report


def _backend_key(registry: AdapterRegistry, domain: str, adapter: Any) -> str:
    """The domain, or ``domain/adapter`` for the second adapter of a domain served by two."""
    name = getattr(adapter, "adapter_name", None)
    if name is None or name == registry.names.get(domain):
        return domain
    return f"{domain}/{name}"


def readiness_endpoint(
    store: Store, registry: AdapterRegistry, database_url: str, *, require_backends: bool
) -> Endpoint:
    heads = migration_heads(database_url)

    async def readyz(_: Request) -> Response:
        guarded = registry.guarded()
        keys = [_backend_key(registry, domain, adapter) for domain, adapter in guarded]
        # Probes arrive every few seconds: their database and HTTP calls are not traced.
        with suppress_instrumentation():
            store_report, *backend_reports = await asyncio.gather(
                check_store(store, heads), *(check_backend(a) for _, a in guarded)
            )
        backends = dict(zip(keys, backend_reports, strict=True))
        failing = [] if store_report["ok"] else [str(store_report["part"])]
        failing += [f"backend:{d}" for d, r in backends.items() if not r["ok"]]
        fatal = not store_report["ok"] or (require_backends and len(failing) > 0)
        body = {
            "status": "unavailable" if fatal else "degraded" if failing else "ready",
            "failing": failing,
            "store": store_report,
            "backends": backends,
            "adapters": registry.names,
            "capabilities": registry.routes,
        }
        return JSONResponse(body, status_code=503 if fatal else 200)

    return readyz


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})
