"""Gateway-core root fields: backend health for SREs, cache invalidation for staff."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from commercegraph.config import DOMAINS
from commercegraph.context import Context
from commercegraph.errors import BadUserInput


@strawberry.type
class BackendStatus:
    name: str
    domain: str
    adapter: str
    healthy: bool
    circuit: str = strawberry.field(description="CLOSED, OPEN or HALF_OPEN.")
    latency_p50_ms: float | None = strawberry.field(
        description="Median latency of the backend's recent calls in this process."
    )
    calls: int


@strawberry.type
class GatewayQuery:
    @strawberry.field(description="Each adapter's health and circuit state (staff scope).")
    def backends(self, info: Info[Context, None]) -> list[BackendStatus]:
        # backend names carry hosts and ports: operational detail, not for shoppers
        info.context.caller.require_staff()
        statuses = []
        for domain, adapter in info.context.registry:
            health = getattr(adapter, "health", None)
            if health is None:  # an unguarded registry (assembled by hand in a test)
                name = info.context.registry.names.get(domain, "unknown")
                statuses.append(
                    BackendStatus(
                        name=name,
                        domain=domain,
                        adapter=name,
                        healthy=True,
                        circuit="CLOSED",
                        latency_p50_ms=None,
                        calls=0,
                    )
                )
                continue
            h = health()
            statuses.append(
                BackendStatus(
                    name=h.name,
                    domain=h.domain,
                    adapter=h.adapter,
                    healthy=h.healthy,
                    circuit=h.circuit,
                    latency_p50_ms=h.latency_p50_ms,
                    calls=h.calls,
                )
            )
        return statuses


@strawberry.type
class GatewayMutation:
    @strawberry.mutation(
        description="Drop cached read-mostly data of one backend (or all); staff scope."
    )
    async def invalidate_cache(self, info: Info[Context, None], domain: str | None = None) -> int:
        ctx = info.context
        ctx.caller.require_staff()
        if domain is not None and domain not in DOMAINS:
            raise BadUserInput(f"{domain!r} is not one of {', '.join(DOMAINS)}", argument="domain")
        dropped = 0
        for name, adapter in ctx.registry:
            invalidate = getattr(adapter, "invalidate_cache", None)
            if invalidate is not None and domain in (None, name):
                dropped += await invalidate()
        return dropped
