"""Server spans and HTTP metrics for a Starlette app, and its ``/metrics`` endpoint.

The ASGI instrumentation reads an incoming W3C ``traceparent``, so a trace begun in a
browser or the app continues through the gateway and on to its backends.
"""

from __future__ import annotations

import os
from typing import Any

from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from commercegraph.gateway.settings import OtelSettings

# Probes and scrapes arrive every few seconds and say nothing about a request's path.
UNTRACED_PATHS = "/healthz$,/readyz$,/metrics$"


def instrument_app(app: Starlette) -> None:
    """Add the ASGI instrumentation outermost; call after the app's other middleware.

    The instrumentations fix their semantic conventions when the first of them starts, from
    the environment: an app built before ``configure_telemetry`` ran (the reference
    backends in a test process, say) would fix the old ones for the whole process, and the
    gateway's spans would then carry ``http.method`` instead of ``http.request.method``."""
    default = OtelSettings.model_fields["semconv_stability_opt_in"].default
    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", default)
    routes = frozenset(r.path for r in app.routes if isinstance(r, Route))

    def span_details(scope: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        method = str(scope.get("method", "HTTP")).upper()
        path = scope.get("path", "")
        if path in routes:  # every route here is a fixed path: a low-cardinality name
            return f"{method} {path}", {"http.route": path}
        return method, {}

    app.add_middleware(
        OpenTelemetryMiddleware,
        excluded_urls=UNTRACED_PATHS,
        default_span_details=span_details,
        exclude_spans=["receive", "send"],
    )


async def metrics_endpoint(request: Request) -> Response:
    """Every metric of the process with HELP and TYPE: the Prometheus text format, or
    OpenMetrics (which adds UNIT) when the scraper asks for it in ``Accept``."""
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(REGISTRY), headers={"Content-Type": content_type})
