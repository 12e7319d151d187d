"""GraphiQL in headless Chromium with every request off this machine blocked: the page
loads from the package alone, runs a query and shows the result."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest

from commercegraph.demo import DEVI_COFFEE_SKU, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from tests.clients.conftest import missing

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
STOCK = 'subscription { stockChanged(storeId: "%s", skus: ["%s"]) { levels { sku onHand } } }'
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_graphiql_runs_a_query_offline(server_factory: Callable[..., Any]) -> None:
    if shutil.which(CHROMIUM) is None:
        missing(f"{CHROMIUM} is missing (scripts/test-tools/chromium.sh installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is missing (pip install -e '.[dev]')")
    blocked: list[str] = []
    violations: list[str] = []
    with server_factory() as base, tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        try:

            def gate(route: Any) -> None:
                host = urlparse(route.request.url).hostname or ""
                if host in LOOPBACK or route.request.url.startswith("data:"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", gate)
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    violations.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            page.goto(f"{base}/graphql", wait_until="load")
            page.wait_for_selector(".graphiql-container", timeout=30_000)
            page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=30_000)
            page.evaluate(
                """() => document.querySelector('.graphiql-query-editor .CodeMirror')
                .CodeMirror.setValue('{ stores(first: 2) { name } }')"""
            )
            page.wait_for_timeout(500)
            page.click(".graphiql-execute-button")
            page.wait_for_function(
                """() => {
                  const r = document.querySelector('.result-window .CodeMirror');
                  return r && r.CodeMirror.getValue().includes('"stores"');
                }""",
                timeout=30_000,
            )
            result = page.evaluate(
                "() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
            )
            # a subscription, over the WebSocket to the same origin: its first result shows
            page.evaluate(
                """(q) => document.querySelector('.graphiql-query-editor .CodeMirror')
                .CodeMirror.setValue(q)""",
                STOCK % (to_global_id("Store", DOWNTOWN_ID), DEVI_COFFEE_SKU),
            )
            page.wait_for_timeout(500)  # GraphiQL takes the editor's text on a debounce
            page.click(".graphiql-execute-button")
            page.wait_for_function(
                """() => {
                  const r = document.querySelector('.result-window .CodeMirror');
                  return r && r.CodeMirror.getValue().includes('"stockChanged"');
                }""",
                timeout=30_000,
            )
            streamed = page.evaluate(
                "() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
            )
            page.screenshot(
                path=os.environ.get("CG_GRAPHIQL_SCREENSHOT") or f"{profile}/graphiql.png"
            )
        finally:
            context.close()
    assert '"name"' in result and "errors" not in result
    assert DEVI_COFFEE_SKU in streamed and "errors" not in streamed
    assert blocked == [], f"the page tried to reach other hosts: {blocked}"
    assert violations == [], violations


def test_the_vendor_script_recreates_the_shipped_assets(tmp_path: Any) -> None:
    from commercegraph.http.graphiql import STATIC_DIR
    from tests.clients.conftest import REPO

    if shutil.which("npm") is None:
        missing("npm is needed to fetch the pinned GraphiQL and React packages")
    out = tmp_path / "vendor"
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "vendor-graphiql.sh")],
        env={**os.environ, "GRAPHIQL_VENDOR_DIR": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    shipped = STATIC_DIR / "vendor"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in shipped.iterdir())
    for path in out.iterdir():
        assert path.read_bytes() == (shipped / path.name).read_bytes(), path.name
