"""A real Strapi 5 beside the gateway: installed once into the cache, seeded with the demo
content, started on a loopback port with its own copy of the seeded database.

``install()`` writes the minimal project (``project.py``), installs the pinned packages and
boots Strapi once against ``data/seeded.db`` so that its bootstrap seeds the demo content;
``start()`` copies that database to ``runs/<port>.db``, so each server begins with the demo
content and nothing a previous run wrote, and reads the API token its bootstrap issued.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from commercegraph.adapters import harness
from commercegraph.adapters.harness import HarnessError, Started
from commercegraph.adapters.strapi import project

NAME = "strapi"
VERSION = "5.54.0"
PACKAGES = {
    "@strapi/strapi": VERSION,
    # version 13 crashes Node 20 on open
    "better-sqlite3": "12.9.0",
    "react": "18.3.1",
    "react-dom": "18.3.1",
    "react-router-dom": "6.30.3",
    "styled-components": "6.1.19",
}
BOOT_TIMEOUT_S = 180  # a first boot on a loaded CI machine creates every table
RUN_FILES_KEPT_S = 24 * 3600  # a run's database and log, left by a server long gone
SEEDED_DB = Path("data") / "seeded.db"

# Fixed secrets: the server listens on loopback only and holds demo content.
SECRETS = {
    "APP_KEYS": "cg-demo-key-1,cg-demo-key-2",
    "ADMIN_JWT_SECRET": "cg-demo-admin-jwt-secret",
    "API_TOKEN_SALT": "cg-demo-api-token-salt",
    "TRANSFER_TOKEN_SALT": "cg-demo-transfer-token-salt",
    "ENCRYPTION_KEY": "cg-demo-encryption-key-0123456789",
}


def seed_entries() -> list[dict[str, object]]:
    """The native demo's product content, one entry per product with both locales."""
    from commercegraph.demo.catalog import build_catalog, slug
    from commercegraph.demo.content import content_rows

    catalog = build_catalog(datetime(2026, 1, 1, tzinfo=UTC))
    products = {p["id"]: p for p in catalog.products}
    entries: dict[str, dict[str, object]] = {}
    for row in content_rows(catalog):
        if row["entity_type"] != "product":
            continue
        product = products[row["entity_key"]]
        entry = entries.setdefault(
            product["sku"],
            {
                "productSku": product["sku"],
                "handle": slug(product["name"]).replace("_", "-"),
                "images": list(row["images"]),
                "locales": {},
            },
        )
        locales = entry["locales"]
        assert isinstance(locales, dict)
        locales[row["locale"]] = {"title": row["title"], "body": row["body"]}
    return list(entries.values())


def _project_digest(seed: str) -> str:
    digest = hashlib.sha256(json.dumps(PACKAGES, sort_keys=True).encode())
    for path, text in sorted(project.text_files().items()):
        digest.update(path.encode() + b"\0" + text.encode())
    digest.update(seed.encode())
    return digest.hexdigest()


def _write_project(folder: Path, seed: str) -> None:
    for relative, text in project.text_files().items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    (folder / "favicon.png").write_bytes(project.FAVICON_PNG)
    (folder / "seed").mkdir(exist_ok=True)
    (folder / "seed" / "product-content.json").write_text(seed, "utf-8")


def _environment(folder: Path, port: int, database: Path, token_file: Path) -> dict[str, str]:
    return {
        **SECRETS,
        "NODE_ENV": "production",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_FILENAME": str(database),
        "CG_TOKEN_FILE": str(token_file),
        "STRAPI_PLUGIN_I18N_INIT_LOCALE_CODE": project.DEFAULT_LOCALE,
        "STRAPI_TELEMETRY_DISABLED": "true",
        "STRAPI_DISABLE_UPDATE_NOTIFICATION": "true",
        "BROWSER": "none",
    }


def _boot(folder: Path, port: int, database: Path) -> tuple[Started, str]:
    token_file = database.with_suffix(".token")
    token_file.unlink(missing_ok=True)
    started = harness.start(
        NAME,
        [
            "node",
            str(folder / "node_modules" / "@strapi" / "strapi" / "bin" / "strapi.js"),
            "start",
        ],
        cwd=folder,
        port=port,
        url=f"http://127.0.0.1:{port}",
        ready_url=f"http://127.0.0.1:{port}/_health",
        env=_environment(folder, port, database, token_file),
        timeout=BOOT_TIMEOUT_S,
    )
    try:
        token = token_file.read_text("utf-8").strip()
    except OSError:
        harness.stop(started.pid)
        raise HarnessError(f"Strapi answered but wrote no API token to {token_file}") from None
    return started, token


def install() -> Path:
    """Install Strapi and seed its template database; a no-op when already done."""
    folder = harness.install_dir(NAME, VERSION)
    seed = json.dumps(seed_entries(), ensure_ascii=False, indent=1)
    digest = _project_digest(seed)
    if _installed(folder, digest):
        return folder
    with harness.exclusive(harness.install_lock(folder)):
        if not _installed(folder, digest):
            _install_into(folder, seed, digest)
    return folder


def _installed(folder: Path, digest: str) -> bool:
    marker = folder / harness.INSTALLED_MARKER
    return (
        harness.is_installed(folder)
        and json.loads(marker.read_text("utf-8")).get("project") == digest
    )


def _install_into(folder: Path, seed: str, digest: str) -> None:
    began = time.monotonic()
    (folder / harness.INSTALLED_MARKER).unlink(missing_ok=True)
    harness.npm_install(
        folder,
        {
            "name": "commercegraph-strapi",
            "private": True,
            "version": "0.0.0",
            "dependencies": PACKAGES,
        },
    )
    installed_s = time.monotonic() - began
    _write_project(folder, seed)
    database = folder / SEEDED_DB
    database.parent.mkdir(exist_ok=True)
    for stale in database.parent.glob(database.name + "*"):
        stale.unlink()
    started, _ = _boot(folder, harness.free_port(), database)
    harness.stop(started.pid)
    harness.mark_installed(
        folder,
        {
            "version": VERSION,
            "packages": PACKAGES,
            "project": digest,
            "npm_install_s": round(installed_s, 1),
            "install_s": round(time.monotonic() - began, 1),
        },
    )


def _prune(paths: list[Path]) -> None:
    """Remove what earlier runs left once untouched for a day (a live server keeps its
    database and log fresh)."""
    cutoff = time.time() - RUN_FILES_KEPT_S
    for path in paths:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def start(port: int | None = None) -> Started:
    """A Strapi on ``port`` (a free one when None) holding the demo content and nothing else;
    ``settings_env(started)`` gives the variables that point the gateway at it."""
    folder = install()
    port = port or harness.free_port()
    runs = folder / "runs"
    runs.mkdir(exist_ok=True)
    _prune([*runs.iterdir(), *folder.glob(f"{NAME}-*.log")])
    database = runs / f"{port}.db"
    for stale in runs.glob(f"{port}.db*"):
        stale.unlink()
    shutil.copyfile(folder / SEEDED_DB, database)
    started, _ = _boot(folder, port, database)
    return started


def token(started: Started) -> str:
    """The full-access API token the server's bootstrap issued when it started."""
    folder = harness.install_dir(NAME, VERSION)
    return (folder / "runs" / f"{started.port}.token").read_text("utf-8").strip()


def settings_env(started: Started) -> dict[str, str]:
    return {
        "CG_ADAPTERS__CONTENT": NAME,
        "CG_STRAPI__URL": started.url,
        "CG_STRAPI__TOKEN": token(started),
    }
