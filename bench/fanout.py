"""Fan-out benchmark: the gateway over the six reference backends on loopback HTTP.

Runs Devi's journey and a 50-product page (price, availability, content) with and without
50 ms injected per backend call, and prints one JSON object: backend calls per request per
backend, p50/p95/p99 latency, throughput at a fixed concurrency, the mean sum of the
backend call latencies of one request (what a sequential gateway would wait), and the
critical path: the longest chain of backend calls of a request, each starting only after the
one before it ended (with 50 ms a call, the least latency the gateway's call graph allows;
it does not depend on how busy the machine is).
Bounded: ``--requests`` per scenario (default 40) and ``--max-seconds`` overall.
Cross-request caching is off so every request reaches the backends.

``--vendor vendure|medusa`` measures the same two queries through a real vendor server
instead: the vendor's harness starts it on a loopback port, the gateway routes to it every
domain the vendor's adapter declares (the native store serves the rest), each query runs
``--requests`` times after a warm-up, and the JSON gives p50/p95, the calls per request per
adapter and domain (counted by the gateway's guards) and the critical path; the server is
stopped by pid at the end. No latency is injected: the vendor's own is what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _demo import migrate_and_seed

from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import DOMAINS, AdapterChoice, Settings
from commercegraph.demo import DEVI_ID
from commercegraph.gateway.settings import RestBackend, RestSettings

JOURNEY = """query DeviJourney { me {
  displayName identities { kind } consent { marketingEmail }
  wallet { balance { amount } paymentMethods { label }
           transactions(first: 5) { edges { node { kind } } } }
  loyalty { points tier }
  orders(first: 5) { totalCount
                     edges { node { total { amount } lines { quantity product { name } } } } }
  recentlyViewed(first: 3) { name price { final { amount } } availability { pickupEligible } }
} }"""
PAGE = """query Page { products(first: 50) { edges { node {
  sku price { final { amount } } availability { online { availableToPromise } } content { title }
} } } }"""
LATENCY_MS = 50
CONCURRENCY = 4  # requests in flight for the throughput figure; two cores are shared
VENDORS = ("vendure", "medusa")
# a vendor's first Admin API call logs in (Medusa hashes the password slowly on purpose):
# the warm-up must not time out on a busy machine
VENDOR_TIMEOUT_MS = 15_000


def _longest_chain(spans: list[Any]) -> list[Any]:
    """The longest chain of calls, each starting after the previous one ended."""
    ordered = sorted(spans, key=lambda s: s.start_time)
    depth: list[int] = []
    previous: list[int | None] = []
    for i, span in enumerate(ordered):
        before = [j for j in range(i) if ordered[j].end_time <= span.start_time]
        last = max(before, key=lambda j: depth[j], default=None)
        depth.append(1 + (depth[last] if last is not None else 0))
        previous.append(last)
    chain: list[Any] = []
    at = max(range(len(ordered)), key=lambda i: depth[i], default=None)
    while at is not None:
        chain.append(ordered[at])
        at = previous[at]
    return chain[::-1]


def _critical_path(spans: list[Any]) -> int:
    return len(_longest_chain(spans))


def _call_name(span: Any) -> str:
    attributes = span.attributes or {}
    return f"{attributes.get('backend.adapter')}.{attributes.get('backend.operation')}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


class Backends:
    """The reference backends in their own process, as they would run in production."""

    def __init__(self, url: str) -> None:
        env = {**os.environ, "CG_DATABASE_URL": url, "CG_LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "commercegraph", "backends", "serve", "--port-base", "0"]
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.urls = {}
        for _ in DOMAINS:
            domain, url, *_ = self.proc.stdout.readline().split()
            self.urls[domain] = url
        for url in self.urls.values():
            for _ in range(100):
                try:
                    httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)

    def calls(self) -> dict[str, int]:
        stats = {d: httpx.get(f"{u}/_stats").json()["calls"] for d, u in self.urls.items()}
        return {d: sum(c.values()) for d, c in stats.items()}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


def _guard_calls(registry: Any) -> dict[str, int]:
    """Calls that reached each adapter, per ``domain:adapter``, as the guards count them."""
    return {f"{g.domain}:{g.adapter_name}": sum(g.calls.values()) for g in registry.guards}


async def _scenario(
    http: httpx.AsyncClient,
    calls_now: Callable[[], dict[str, int]],
    spans: InMemorySpanExporter,
    query: str,
    token: str | None,
    requests: int,
    *,
    throughput: bool = True,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def one() -> float:
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            raise RuntimeError(f"benchmark query failed: {response.text[:300]}")
        return (time.perf_counter() - started) * 1000

    await one()  # warm-up: connections, parser cache, a vendor's log-in
    before = calls_now()
    spans.clear()
    latencies = [await one() for _ in range(requests)]
    after = calls_now()
    backend = [
        s
        for s in spans.get_finished_spans()
        if s.attributes and "backend.operation" in s.attributes
    ]
    backend_ms = [((s.end_time or 0) - (s.start_time or 0)) / 1e6 for s in backend]
    by_request: dict[int, list[Any]] = {}
    for span in backend:
        by_request.setdefault(span.context.trace_id, []).append(span)
    paths = [_critical_path(group) for group in by_request.values()]
    calls = {
        k: round((after[k] - before.get(k, 0)) / requests, 2)
        for k in after
        if after[k] - before.get(k, 0)
    }
    result: dict[str, Any] = {
        "requests": requests,
        "backend_calls_per_request": calls,
        "latency_ms": {
            "p50": _percentile(latencies, 0.5),
            "p95": _percentile(latencies, 0.95),
            "p99": _percentile(latencies, 0.99),
            "mean": round(statistics.fmean(latencies), 2),
        },
        "sum_of_backend_latencies_ms_per_request": round(sum(backend_ms) / requests, 2),
        "critical_path_backend_calls": max(set(paths), key=paths.count) if paths else 0,
    }
    if not throughput:  # the vendor mode: where the time goes, per adapter call
        by_call: dict[str, list[float]] = {}
        for span, ms in zip(backend, backend_ms, strict=True):
            by_call.setdefault(_call_name(span), []).append(ms)
        chains = Counter(
            " → ".join(_call_name(span) for span in _longest_chain(group))
            for group in by_request.values()
        )
        result["critical_path_most_often"] = chains.most_common(1)[0][0] if chains else ""
        result["backend_call_mean_ms"] = {
            key: round(statistics.fmean(values), 1)
            for key, values in sorted(by_call.items(), key=lambda kv: -statistics.fmean(kv[1]))
        }
        return result

    started = time.perf_counter()
    queue = list(range(requests))

    async def worker() -> None:
        while queue:
            queue.pop()
            await one()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    wall = time.perf_counter() - started
    result["throughput_rps"] = round(requests / wall, 1)
    result["throughput_concurrency"] = CONCURRENCY
    return result


async def _run(url: str, requests: int, deadline: float) -> dict[str, Any]:
    spans = _tracing()
    results: dict[str, Any] = {}
    servers = Backends(url)
    try:
        for latency in (0, LATENCY_MS):
            settings = Settings(
                database_url=url,
                log_level="WARNING",
                adapters=AdapterChoice(**dict.fromkeys(DOMAINS, "rest")),
                rest=RestSettings(**{d: RestBackend(url=u) for d, u in servers.urls.items()}),
                faults=f"*:latency_ms={latency}" if latency else "",
                cache_ttl_seconds=0,
            )
            app = create_app(settings)
            token = issue_token(settings, subject=DEVI_ID, scope="customer")
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
                for name, query, who in (("journey", JOURNEY, token), ("page_50", PAGE, None)):
                    if time.monotonic() > deadline:
                        break
                    key = f"{name}_latency_{latency}ms"
                    results[key] = await _scenario(http, servers.calls, spans, query, who, requests)
            await app.state.registry.aclose()
            await app.state.store.dispose()
    finally:
        servers.stop()
    return results


def _tracing() -> InMemorySpanExporter:
    provider = TracerProvider()
    trace.set_tracer_provider(provider)
    spans = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return spans


async def _run_vendor(url: str, env: dict[str, str], requests: int) -> dict[str, Any]:
    """Both queries through the gateway with the vendor serving what its adapter declares."""
    spans = _tracing()
    os.environ.update(env)  # the CG_* variables the harness gives, as a deployment sets them
    settings = Settings(database_url=url, log_level="WARNING", cache_ttl_seconds=0)
    app = create_app(settings)
    registry = app.state.registry
    token = issue_token(settings, subject=DEVI_ID, scope="customer")
    vendor_routes = sorted(
        capability
        for routes in registry.routes.values()
        for capability, adapter in routes.items()
        if adapter != "native"
    )
    results: dict[str, Any] = {"served_by_vendor": vendor_routes}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
            results["answers"] = await _answers(http, token)
            for name, query, who in (("journey", JOURNEY, token), ("page_50", PAGE, None)):
                results[name] = await _scenario(
                    http,
                    lambda: _guard_calls(registry),
                    spans,
                    query,
                    who,
                    requests,
                    throughput=False,
                )
    finally:
        await registry.aclose()
        await app.state.store.dispose()
    return results


async def _answers(http: httpx.AsyncClient, token: str) -> dict[str, int]:
    """What the two queries return through the vendor: the figures measure real answers."""
    headers = {"Authorization": f"Bearer {token}"}
    me = (await http.post("/graphql", json={"query": JOURNEY}, headers=headers)).json()
    page = (await http.post("/graphql", json={"query": PAGE})).json()
    nodes = [edge["node"] for edge in page["data"]["products"]["edges"]]
    viewed = me["data"]["me"]["recentlyViewed"]
    return {
        "journey_orders": me["data"]["me"]["orders"]["totalCount"],
        "journey_recently_viewed": len(viewed),
        "journey_recently_viewed_priced": sum(1 for p in viewed if p["price"]),
        "page_products": len(nodes),
        "page_priced": sum(1 for n in nodes if n["price"]),
        "page_with_availability": sum(1 for n in nodes if n["availability"]),
        "page_with_content": sum(1 for n in nodes if n["content"]),
    }


def _vendor_env(vendor: str, started: Any) -> dict[str, str]:
    harness = import_module(f"commercegraph.adapters.{vendor}.harness")
    env: dict[str, str] = dict(harness.settings_env(started))
    for domain in ("COMMERCE", "PRICING", "INVENTORY"):
        env.setdefault(f"CG_ADAPTERS__{domain}", vendor)
        if env[f"CG_ADAPTERS__{domain}"] == vendor:
            env[f"CG_RESILIENCE__{domain}__TIMEOUT_MS"] = str(VENDOR_TIMEOUT_MS)
    return env


def _vendor_main(vendor: str, url: str, requests: int, tmp: str) -> dict[str, Any]:
    harness = import_module(f"commercegraph.adapters.{vendor}.harness")
    from commercegraph.adapters import harness as common

    boot = time.monotonic()
    if "data" in inspect.signature(harness.start).parameters:
        # a data folder of its own (Vendure's SQLite file), gone with the temporary folder
        started = harness.start(None, data=Path(tmp) / f"{vendor}-data")
    else:
        started = harness.start(None)
    boot_seconds = round(time.monotonic() - boot, 1)
    try:
        env = _vendor_env(vendor, started)
        scenarios = asyncio.run(_run_vendor(url, env, requests))
    finally:
        if hasattr(harness, "stop"):
            harness.stop(started)  # by pid; Medusa's also drops its cloned database
        else:
            common.stop(started.pid)
    return {
        "benchmark": "fanout",
        "transport": f"HTTP over 127.0.0.1 to a real {vendor} {harness.VERSION} server",
        "vendor": vendor,
        "vendor_start_seconds": boot_seconds,
        "adapters": {k: v for k, v in env.items() if k.startswith("CG_ADAPTERS__")},
        "injected_latency_ms": 0,
        "scenarios": scenarios,
        "load_average": [round(x, 2) for x in os.getloadavg()],  # the machine is shared
    }


async def _guard_overhead(url: str, requests: int) -> dict[str, Any]:
    """The guard's cost per request: native adapters with and without it, same queries."""
    from commercegraph.adapters.registry import AdapterRegistry

    settings = Settings(database_url=url, log_level="WARNING", cache_ttl_seconds=0)
    token = issue_token(settings, subject=DEVI_ID, scope="customer")
    app = create_app(settings)
    guarded: AdapterRegistry = app.state.registry
    raw = AdapterRegistry(
        **{d: getattr(guarded, d).inner for d in DOMAINS}, names=dict(guarded.names)
    )
    plain = create_app(settings, store=app.state.store, registry=raw)
    result: dict[str, Any] = {}
    clients = {
        label: httpx.AsyncClient(transport=httpx.ASGITransport(app=gw), base_url="http://gw")
        for label, gw in (("guarded", app), ("unguarded", plain))
    }
    for name, query, who in (("journey", JOURNEY, token), ("page_50", PAGE, None)):
        headers = {"Authorization": f"Bearer {who}"} if who else {}
        times: dict[str, list[float]] = {label: [] for label in clients}
        for _ in range(requests + 1):  # alternate, so load on the machine hits both alike
            for label, http in clients.items():
                started = time.perf_counter()
                await http.post("/graphql", json={"query": query}, headers=headers)
                times[label].append((time.perf_counter() - started) * 1000)
        for label, values in times.items():
            result[f"{name}_{label}_p50_ms"] = _percentile(values[1:], 0.5)
    for http in clients.values():
        await http.aclose()
    await guarded.aclose()
    await app.state.store.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--max-seconds", type=float, default=240)
    parser.add_argument(
        "--vendor", choices=VENDORS, help="measure through a real vendor server instead"
    )
    args = parser.parse_args()
    deadline = time.monotonic() + args.max_seconds
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate_and_seed(url, args.customers)
        if args.vendor:
            print(json.dumps(_vendor_main(args.vendor, url, args.requests, tmp), indent=2))
            return
        scenarios = asyncio.run(_run(url, args.requests, deadline))
        overhead = asyncio.run(_guard_overhead(url, args.requests))
    print(
        json.dumps(
            {
                "benchmark": "fanout",
                "transport": "HTTP over 127.0.0.1 to six reference backends (uvicorn)",
                "injected_latency_ms": LATENCY_MS,
                "scenarios": scenarios,
                "guard_overhead_native_in_process": overhead,
                "load_average": [round(x, 2) for x in os.getloadavg()],  # the machine is shared
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
