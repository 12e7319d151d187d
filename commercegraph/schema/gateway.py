"""Gateway-core root fields: backend health for SREs, cache invalidation for staff."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.schema.enums import BackendDomain, CircuitState


@strawberry.type(description="One backend as this gateway process sees it.")
class BackendStatus:
    name: str = strawberry.field(description="The backend: a host and port, or the native store.")
    domain: BackendDomain = strawberry.field(description="What the backend serves.")
    adapter: str = strawberry.field(
        description="The adapter serving it, e.g. 'native' or 'rest' (plug-ins add more)."
    )
    healthy: bool = strawberry.field(description="Its last calls succeeded.")
    circuit: CircuitState = strawberry.field(description="CLOSED, OPEN or HALF_OPEN.")
    latency_p50_ms: float | None = strawberry.field(
        description="Median latency of the backend's recent calls in this process."
    )
    calls: int = strawberry.field(description="Calls made to it by this process.")
    capabilities: list[str] = strawberry.field(
        description="What it serves for its domain, e.g. 'commerce.catalog'; what a vendor "
        "adapter does not declare, the gateway's own store serves (a second entry)."
    )


@strawberry.type
class GatewayQuery:
    @strawberry.field(description="Each adapter's health and circuit state (staff scope).")
    def backends(self, info: Info[Context, None]) -> list[BackendStatus]:
        # backend names carry hosts and ports: operational detail, not for shoppers
        info.context.caller.require_staff()
        statuses = []
        registry = info.context.registry
        for domain, adapter in registry.guarded():
            health = getattr(adapter, "health", None)
            if health is None:  # an unguarded registry (assembled by hand in a test)
                name = info.context.registry.names.get(domain, "unknown")
                statuses.append(
                    BackendStatus(
                        name=name,
                        domain=BackendDomain(domain),
                        adapter=name,
                        healthy=True,
                        circuit=CircuitState.CLOSED,
                        latency_p50_ms=None,
                        calls=0,
                        capabilities=sorted(registry.routes.get(domain, {})),
                    )
                )
                continue
            h = health()
            statuses.append(
                BackendStatus(
                    name=h.name,
                    domain=BackendDomain(h.domain),
                    adapter=h.adapter,
                    healthy=h.healthy,
                    circuit=CircuitState(h.circuit),
                    latency_p50_ms=h.latency_p50_ms,
                    calls=h.calls,
                    capabilities=list(h.capabilities),
                )
            )
        return statuses


@strawberry.type
class GatewayMutation:
    @strawberry.mutation(
        description="Drop cached read-mostly data of one backend (or all); staff scope."
    )
    async def invalidate_cache(
        self,
        info: Info[Context, None],
        domain: Annotated[
            BackendDomain | None,
            strawberry.argument(description="The backend whose cache to drop; all when not given."),
        ] = None,
    ) -> int:
        ctx = info.context
        ctx.caller.require_staff()
        wanted = domain.value if domain is not None else None
        dropped = 0
        for name, adapter in ctx.registry.guarded():
            invalidate = getattr(adapter, "invalidate_cache", None)
            if invalidate is not None and wanted in (None, name):
                dropped += await invalidate()
        return dropped
