"""CommerceGraph against Hive Gateway: the same read over the same REST backends.

Starts the reference backends (``commercegraph backends serve``) on loopback, composes a
supergraph from their OpenAPI documents (``openapi/commerce.yaml``, ``pricing.yaml``,
``inventory.yaml``) with GraphQL Mesh's composer, and serves it with Hive Gateway
(``bench/peer/``: the composition and the gateway's configuration, which gives a product its
price rows and stock rows in one batched call each). CommerceGraph runs as ``commercegraph
serve`` with the same three domains (and the other three) on the ``rest`` adapter pointing at
the same backends, the cross-request cache off so that every request reaches them.

Both gateways answer a page of ``--products`` products with their prices and stock, one
request at a time, in ``--rounds`` interleaved rounds (the order alternating), so that the
machine's other work weighs on both alike. Per gateway: its process's CPU per request (utime
+ stime from /proc of the gateway process and its descendants, not the backends' nor this
client's), p50/p95/p99 latency and backend calls per request (counted by the backends).
CommerceGraph computes the final price (rules, budgets) and available-to-promise from those
rows; Hive Gateway passes the rows through, so the CommerceGraph figure includes that work.

Packages come from ``scripts/bench-tools/hive-peer.sh`` (pinned, cached outside the work
tree). Without npm the benchmark prints why and exits 0, unless CI is set. Everything listens
on 127.0.0.1, is bounded by ``--rounds``, ``--requests`` and ``--max-seconds``, and every
process it started is stopped by its pid. Prints one JSON object with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
from _demo import migrate_and_seed
from _timing import load_average
from serve_workers import cpu_seconds

from commercegraph.config import DOMAINS

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
INSTALLER = REPO / "scripts" / "bench-tools" / "hive-peer.sh"
COMPOSED = ("commerce", "pricing", "inventory")
PACKAGES = (
    "@graphql-hive/gateway",
    "@graphql-mesh/compose-cli",
    "@graphql-mesh/transport-rest",
    "@omnigraph/openapi",
    "graphql",
)
CG_PAGE = """query Page($first: Int!) { products(first: $first) { edges { node {
  sku price { final { amount currency } } availability { online { availableToPromise } }
} } } }"""
HIVE_PAGE = """query Page($first: Int!) {
  search_products(input: {keys: [{first: $first, currency: "USD"}]}) {
    ... on commerce_search_products_200_response { items { items {
      sku prices { amount currency min_quantity }
      stock { location_id on_hand reserved safety_stock }
    } } }
  }
}"""
START_SECONDS = 90
SERVE = [sys.executable, "-m", "commercegraph", "serve"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _node_packages() -> Path | None:
    """The folder holding the pinned packages, or None when npm is missing outside CI."""
    done = subprocess.run(
        ["bash", str(INSTALLER)], capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"installing the peer gateway failed:\n{done.stderr[-2000:]}")
    folder = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return Path(folder) if folder else None


def _versions(packages: Path) -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        manifest = json.loads((packages / "node_modules" / name / "package.json").read_text())
        found[name] = manifest["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
    found["node"] = node.stdout.strip()
    found["commercegraph"] = version("commercegraph")
    found["python"] = platform.python_version()
    return found


class Process:
    """A server this benchmark started, stopped by its pid."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, url: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{url} exited with {self.proc.returncode}:\n{tail}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} was not ready within {START_SECONDS} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Backends(Process):
    """The six reference backends in one process, on free loopback ports."""

    def __init__(self, url: str, folder: Path) -> None:
        env = {**os.environ, "CG_DATABASE_URL": url, "CG_LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "commercegraph", "backends", "serve", "--port-base", "0"]
        command += ["--host", "127.0.0.1"]
        self.log = folder / "backends.log"
        self.proc = subprocess.Popen(
            command,
            env=env,
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        self.urls: dict[str, str] = {}
        try:
            for _ in DOMAINS:
                domain, base, *_ = self.proc.stdout.readline().split()
                self.urls[domain] = base
            self.proc.stdout.close()
            for base in self.urls.values():
                self.wait_ready(f"{base}/healthz")
        except BaseException:
            self.stop()
            raise

    def calls(self) -> dict[str, int]:
        counts = {}
        for domain, base in self.urls.items():
            calls = httpx.get(f"{base}/_stats", timeout=5).json()["calls"]
            counts[domain] = sum(calls.values())
        return counts


def _compose(packages: Path, folder: Path, urls: dict[str, str]) -> Path:
    """Writes the supergraph of the three backends' OpenAPI documents; returns its path."""
    (folder / "node_modules").symlink_to(packages / "node_modules")
    for name in COMPOSED:
        shutil.copy(REPO / "openapi" / f"{name}.yaml", folder / f"{name}.yaml")
    shutil.copy(HERE / "peer" / "mesh.config.mjs", folder / "mesh.config.mjs")
    shutil.copy(HERE / "peer" / "gateway.mjs", folder / "gateway.mjs")
    env = {**os.environ, **{f"PEER_{d.upper()}": urls[d] for d in COMPOSED}}
    supergraph = folder / "supergraph.graphql"
    compose = packages / "node_modules" / ".bin" / "mesh-compose"
    done = subprocess.run(
        ["node", str(compose), "-c", "mesh.config.mjs", "-o", supergraph.name],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0 or not supergraph.exists():
        raise RuntimeError(f"composition failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return supergraph


def _hive_command(packages: Path, supergraph: Path) -> list[str]:
    """One process (``--fork 1``), its configuration next to the supergraph."""
    gateway = packages / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"
    command = ["node", str(gateway), "supergraph", supergraph.name, "-c", "gateway.mjs"]
    return [*command, "--host", "127.0.0.1", "--fork", "1"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)


class Gateway:
    """One gateway under test: its process, its client and what each round measured."""

    def __init__(self, name: str, process: Process, base: str, query: str) -> None:
        self.name, self.process, self.query = name, process, query
        self.client = httpx.Client(base_url=base, timeout=30)
        self.latencies_ms: list[float] = []
        self.cpu_ms_per_request: list[float] = []
        self.calls: dict[str, int] = {}
        self.requests = 0

    def skus(self, products: int) -> list[str]:
        body = self._post(products)
        if self.name == "commercegraph":
            nodes = [e["node"] for e in body["data"]["products"]["edges"]]
            assert all(n["price"] and n["availability"] for n in nodes), nodes[:2]
        else:
            nodes = body["data"]["search_products"]["items"][0]["items"]
            assert all(n["prices"] and n["stock"] for n in nodes), nodes[:2]
        return [n["sku"] for n in nodes]

    def _post(self, products: int) -> dict[str, Any]:
        response = self.client.post(
            "/graphql", json={"query": self.query, "variables": {"first": products}}
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{self.name} failed: {response.text[:500]}")
        return body

    def round(self, backends: Backends, products: int, requests: int) -> None:
        before = backends.calls()
        cpu = cpu_seconds(self.process.pid)
        for _ in range(requests):
            started = time.perf_counter()
            self._post(products)
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
        spent = cpu_seconds(self.process.pid) - cpu
        after = backends.calls()
        self.cpu_ms_per_request.append(spent / requests * 1000)
        for domain, count in after.items():
            self.calls[domain] = self.calls.get(domain, 0) + count - before.get(domain, 0)
        self.requests += requests

    def report(self) -> dict[str, Any]:
        cpu = self.cpu_ms_per_request
        return {
            "cpu_ms_per_request": {
                "median_of_rounds": round(statistics.median(cpu), 2),
                "rounds": [round(c, 2) for c in cpu],
            },
            "latency_ms": {
                "p50": _percentile(self.latencies_ms, 0.5),
                "p95": _percentile(self.latencies_ms, 0.95),
                "p99": _percentile(self.latencies_ms, 0.99),
            },
            "backend_calls_per_request": {
                d: round(n / self.requests, 2) for d, n in sorted(self.calls.items()) if n
            },
            "requests": self.requests,
        }


def _cg_env(url: str, backends: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, "CG_DATABASE_URL": url, "CG_LOG_LEVEL": "WARNING"}
    env["CG_CACHE_TTL_SECONDS"] = "0"  # every request reaches the backends, as Hive's do
    for domain, base in backends.items():
        env[f"CG_ADAPTERS__{domain.upper()}"] = "rest"
        env[f"CG_REST__{domain.upper()}__URL"] = base
    return env


def run(args: argparse.Namespace, packages: Path, folder: Path) -> dict[str, Any]:
    deadline = time.monotonic() + args.max_seconds
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    migrate_and_seed(url, args.customers)
    started: list[Process] = []
    try:
        backends = Backends(url, folder)
        started.append(backends)
        supergraph = _compose(packages, folder, backends.urls)
        cg_port, hive_port = _free_port(), _free_port()
        cg = Process(
            [*SERVE, "--host", "127.0.0.1", "--port", str(cg_port)],
            _cg_env(url, backends.urls),
            folder,
            folder / "commercegraph.log",
        )
        started.append(cg)
        hive = Process(
            [*_hive_command(packages, supergraph), "--port", str(hive_port)],
            {**os.environ, "NODE_ENV": "production"},
            folder,
            folder / "hive.log",
        )
        started.append(hive)
        cg.wait_ready(f"http://127.0.0.1:{cg_port}/readyz")
        hive.wait_ready(f"http://127.0.0.1:{hive_port}/healthcheck")
        gateways = [
            Gateway("commercegraph", cg, f"http://127.0.0.1:{cg_port}", CG_PAGE),
            Gateway("hive_gateway", hive, f"http://127.0.0.1:{hive_port}", HIVE_PAGE),
        ]
        pages = [g.skus(args.products) for g in gateways]
        for gateway in gateways:  # warm-up: connections, parser caches, V8's JIT
            for _ in range(args.warmup):
                gateway._post(args.products)
        load_before = load_average()
        rounds = 0
        while rounds < args.rounds and (rounds == 0 or time.monotonic() < deadline):
            order = gateways if rounds % 2 == 0 else gateways[::-1]
            for gateway in order:
                gateway.round(backends, args.products, args.requests)
            rounds += 1
        cg_cpu, hive_cpu = (g.cpu_ms_per_request for g in gateways)
        per_round = [c / h for c, h in zip(cg_cpu, hive_cpu, strict=True) if h]
        return {
            "benchmark": "peer",
            "read": f"a page of {args.products} products with prices and stock",
            "transport": "HTTP over 127.0.0.1; both gateways over the same reference backends",
            "rounds": rounds,
            "requests_per_round": args.requests,
            "same_products": pages[0] == pages[1],
            "products_per_page": len(pages[0]),
            "gateways": {g.name: g.report() for g in gateways},
            "cpu_ratio_commercegraph_over_hive": {
                "median_of_rounds": round(statistics.median(per_round), 2) if per_round else None,
                "of_totals": round(sum(cg_cpu) / sum(hive_cpu), 2) if sum(hive_cpu) else None,
            },
            "versions": _versions(packages),
            "cores": os.cpu_count(),
            "load_average_before": load_before,
            "load_average": load_average(),  # the machine is shared
        }
    finally:
        for process in reversed(started):
            process.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=40, help="per gateway per round")
    parser.add_argument("--warmup", type=int, default=30, help="requests per gateway first")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--max-seconds", type=float, default=300)
    args = parser.parse_args()
    in_ci = os.environ.get("CI") == "true"
    if shutil.which("npm") is None and not in_ci:
        skipped = "npm is missing: Hive Gateway cannot be installed"
        print(json.dumps({"benchmark": "peer", "skipped": skipped}))
        return
    packages = _node_packages()
    if packages is None:
        print(json.dumps({"benchmark": "peer", "skipped": "the peer gateway is not installed"}))
        return
    with tempfile.TemporaryDirectory(prefix="cg-peer-") as tmp:
        print(json.dumps(run(args, packages, Path(tmp)), indent=2))


if __name__ == "__main__":
    main()
