"""HTTP and auth only: one pool of keep-alive connections per backend, explicit timeouts.

Every request carries the caller's trace context (``traceparent``), so a backend's spans
and logs join the request's trace. Under a request the sampler records, each request is
an HTTP client span with the stable HTTP conventions as well; under one it does not record,
no span is started at all (the guard's ``commercegraph_backend_*`` metrics count the call).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.utils import is_http_instrumentation_enabled
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from commercegraph.adapters.http import KEEPALIVE_S
from commercegraph.adapters.rest.errors import from_response, vendor
from commercegraph.adapters.rest.http1 import Answer, Http1Pool
from commercegraph.errors import BackendTimeout, BackendUnavailable, BadUserInput
from commercegraph.gateway.settings import BackendPolicy, RestBackend

tracer = trace.get_tracer("commercegraph.adapters.rest")


class RestClient:
    def __init__(self, domain: str, backend: RestBackend, policy: BackendPolicy) -> None:
        if not backend.url:
            raise ValueError(f"CG_REST__{domain.upper()}__URL must be set for the rest adapter")
        self.domain = domain
        self.endpoint = backend.url.rstrip("/")
        self.headers = [("Accept", "application/json"), ("User-Agent", "commercegraph")]
        if backend.token:
            self.headers.append(("Authorization", f"Bearer {backend.token}"))
        # the resilience layer holds the per-call budget; this is the transport's own guard
        self.timeout_s = max(policy.timeout_ms, policy.write_timeout_ms) / 1000
        self.pool = Http1Pool(
            self.endpoint,
            max_connections=backend.max_connections,
            connect_timeout_s=backend.connect_timeout_ms / 1000,
            keepalive_s=KEEPALIVE_S,
            # the certificates httpx trusts (certifi, or SSL_CERT_FILE / SSL_CERT_DIR)
            tls=httpx.create_ssl_context() if self.endpoint.startswith("https:") else None,
        )
        self._span_attributes: dict[str, AttributeValue] = {
            "server.address": self.pool.host,
            "server.port": self.pool.port,
            "network.protocol.version": "1.1",
        }

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        read: bool | None = None,
    ) -> Any:
        """The decoded JSON body of a 2xx answer; anything else raises our error. ``read``:
        the request changes nothing, so it may go again on a fresh connection when a
        kept-alive one turns out closed (by default only a GET does)."""
        repeatable = method == "GET" if read is None else read
        target = f"{path}?{urlencode(params)}" if params else path
        sent = [*self.headers, *(headers or {}).items()]
        body = None
        if json is not None:
            body = orjson.dumps(json)
            sent.append(("Content-Type", "application/json"))
        current = trace.get_current_span()
        if not is_http_instrumentation_enabled():  # a probe asked for no telemetry
            answer = await self._send(
                method, target, sent, body, repeatable, propagate_context=False
            )
        elif not current.is_recording() and current.get_span_context().is_valid:
            answer = await self._send(method, target, sent, body, repeatable)
        else:
            answer = await self._traced(method, target, sent, body, repeatable)
        if answer.status >= 300:
            raise from_response(self.domain, _as_response(method, self.endpoint, answer))
        try:
            return orjson.loads(answer.content)
        except ValueError as exc:  # orjson.JSONDecodeError is one
            raise BackendUnavailable(
                self.domain, f"The {self.domain} backend sent bad JSON"
            ) from exc

    async def _traced(
        self,
        method: str,
        target: str,
        sent: list[tuple[str, str]],
        body: bytes | None,
        repeatable: bool,
    ) -> Answer:
        attributes: dict[str, AttributeValue] = {
            "http.request.method": method,
            "url.full": f"{self.endpoint}{target}",
            **self._span_attributes,
        }
        with tracer.start_as_current_span(
            method, kind=SpanKind.CLIENT, attributes=attributes, record_exception=False
        ) as span:
            try:
                answer = await self._send(method, target, sent, body, repeatable)
            except Exception as exc:
                span.set_attribute("error.type", type(exc).__qualname__)
                span.set_status(Status(StatusCode.ERROR))
                raise
            span.set_attribute("http.response.status_code", answer.status)
            if answer.status >= 400:
                span.set_attribute("error.type", str(answer.status))
                span.set_status(Status(StatusCode.ERROR))
            return answer

    async def _send(
        self,
        method: str,
        target: str,
        sent: list[tuple[str, str]],
        body: bytes | None,
        repeatable: bool,
        *,
        propagate_context: bool = True,
    ) -> Answer:
        if propagate_context:
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            sent.extend(carrier.items())
        name = vendor(self.domain).name
        try:
            return await self.pool.request(
                method,
                target,
                sent,
                body,
                timeout_s=self.timeout_s,
                # only a read goes again on a fresh connection: a write is never sent twice
                retry_stale=repeatable,
            )
        except TimeoutError as exc:
            raise BackendTimeout(self.domain, f"{name} timed out") from exc
        except OSError as exc:
            raise BackendUnavailable(self.domain, f"{name} is unreachable") from exc
        except (ValueError, UnicodeEncodeError) as exc:
            raise BadUserInput(f"A header for {name} is not valid: {exc}") from exc

    async def aclose(self) -> None:
        await self.pool.aclose()


def _as_response(method: str, endpoint: str, answer: Answer) -> httpx.Response:
    """An error answer in the form ``errors.from_response`` reads (rare: no hot path)."""
    return httpx.Response(
        answer.status,
        headers=answer.headers,
        content=answer.content,
        request=httpx.Request(method, endpoint),
    )
