"""A real Vendure beside the gateway: installed once into the cache, started on a loopback
port with its own SQLite file, seeded with the demo catalogue on first start.

``install()`` puts the pinned packages, ``server.js`` and ``quote-plugin.js`` into
``~/.cache/commercegraph/backends/vendure-<VERSION>``; ``start(port)`` boots a server whose
data lives in ``data-<port>`` there (seeded once, reused on the next start on that port) and
waits until ``/cg-ready`` says the seeding is done.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

from commercegraph.adapters import harness
from commercegraph.adapters.harness import Started
from commercegraph.adapters.vendure.seed import APP_CHANNEL, APP_CHANNEL_TOKEN, seed_document

NAME = "vendure"
VERSION = "3.7.3"
PACKAGES = {
    "@vendure/core": VERSION,
    "@vendure/common": VERSION,
    # 12.x: 13 crashes on Node 20
    "better-sqlite3": "12.9.0",
}
ADMIN_USERNAME = "superadmin"
ADMIN_PASSWORD = "superadmin"  # a loopback test server's superadmin, never a real one
FIRST_START_TIMEOUT_S = 600.0  # populate plus the Admin API seeding: minutes on a loaded machine
SEEDED_MARKER = "seeded"  # server.js writes it once the data folder is seeded
SERVER_SCRIPT = Path(__file__).with_name("server.js")
QUOTE_PLUGIN = Path(__file__).with_name("quote-plugin.js")  # what a retailer's Vendure loads too


def folder() -> Path:
    return harness.install_dir(NAME, VERSION)


def install() -> Path:
    """Install the pinned packages once (idempotent); refresh the script and the seed."""
    target = folder()
    with harness.exclusive(harness.install_lock(target)):
        if not harness.is_installed(target):
            started = time.monotonic()
            harness.npm_install(
                target,
                {"name": "commercegraph-vendure", "private": True, "dependencies": PACKAGES},
            )
            harness.mark_installed(
                target,
                {"packages": PACKAGES, "install_seconds": round(time.monotonic() - started, 1)},
            )
        _write_if_changed(target / "server.js", SERVER_SCRIPT.read_text("utf-8"))
        _write_if_changed(target / QUOTE_PLUGIN.name, QUOTE_PLUGIN.read_text("utf-8"))
        _write_if_changed(target / "seed.json", json.dumps(seed_document(), sort_keys=True))
    return target


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def data_dir(port: int) -> Path:
    return folder() / f"data-{port}"


def seeded_template() -> Path:
    """A data folder seeded once per install, scripts and seed (copied for every new start:
    seeding the whole catalogue takes minutes, a start on seeded data seconds)."""
    target = install()
    digest = hashlib.sha256(
        (target / "server.js").read_bytes()
        + (target / QUOTE_PLUGIN.name).read_bytes()
        + (target / "seed.json").read_bytes()
    ).hexdigest()[:12]
    template = target / f"template-{digest}"
    with harness.exclusive(target / "template.lock"):
        if not (template / SEEDED_MARKER).exists():
            if template.exists():
                shutil.rmtree(template)
            harness.stop(_boot(target, harness.free_port(), template).pid)
    return template


def start(port: int | None = None, *, data: Path | None = None) -> Started:
    """Boot Vendure on ``port`` (a free one when None) with its SQLite file in ``data``
    (``data-<port>`` in the install folder when None); a folder without seeded data gets a
    copy of the seeded template first."""
    if shutil.which("node") is None:
        raise harness.HarnessError("node is not installed; Vendure needs Node 20")
    target = install()
    chosen = port or harness.free_port()
    data = data or data_dir(chosen)
    if not (data / SEEDED_MARKER).exists():
        shutil.copytree(seeded_template(), data, dirs_exist_ok=True)
    return _boot(target, chosen, data)


def _boot(target: Path, port: int, data: Path) -> Started:
    url = f"http://127.0.0.1:{port}"
    return harness.start(
        NAME,
        ["node", "server.js", str(port), str(data)],
        cwd=target,
        port=port,
        url=url,
        ready_url=f"{url}/cg-ready",
        env={"VENDURE_ADMIN_USERNAME": ADMIN_USERNAME, "VENDURE_ADMIN_PASSWORD": ADMIN_PASSWORD},
        timeout=FIRST_START_TIMEOUT_S,
    )


def settings_env(started: Started) -> dict[str, str]:
    return {
        "CG_ADAPTERS__COMMERCE": NAME,
        "CG_ADAPTERS__PRICING": NAME,
        "CG_ADAPTERS__INVENTORY": NAME,
        "CG_VENDURE__URL": started.url,
        "CG_VENDURE__ADMIN_USERNAME": ADMIN_USERNAME,
        "CG_VENDURE__ADMIN_PASSWORD": ADMIN_PASSWORD,
        "CG_VENDURE__CHANNEL_TOKENS": json.dumps({APP_CHANNEL: APP_CHANNEL_TOKEN}),
    }
