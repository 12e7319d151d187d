"""A real Medusa server for the tests and ``commercegraph backends vendor start medusa``.

Medusa is installed from npm into ``~/.cache/commercegraph/backends/medusa-<version>``. Its
store is PostgreSQL (``CG_MEDUSA_HARNESS_POSTGRES``, default the loopback server as user
postgres). Migrating and seeding take most of a minute, so they run once into a template
database named after the version and a digest of the seed (``cg_medusa_template_...``);
every start clones it (``CREATE DATABASE ... TEMPLATE``) into a database of its own, which
``stop`` drops again. The CLI runs as ``node node_modules/@medusajs/cli/cli.js`` in
production mode: no ts-node, and the server is the process the harness started, so stopping
its process group stops it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from commercegraph.adapters import harness
from commercegraph.adapters.medusa.demo import seed_payload

NAME = "medusa"
VERSION = "2.21.2"
PACKAGE_JSON: dict[str, object] = {
    "name": "commercegraph-medusa",
    "version": "0.0.0",
    "private": True,
    "dependencies": {
        "@medusajs/cli": VERSION,
        "@medusajs/framework": VERSION,
        "@medusajs/medusa": VERSION,
    },
}
SERVER_FILES = ("medusa-config.js", "seed.js")
# a throwaway loopback server's admin; never a real shop's
ADMIN_EMAIL = "admin@commercegraph.test"
ADMIN_PASSWORD = "commercegraph-medusa-admin"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CATALOG_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # release dates count back from here
MIGRATE_TIMEOUT_S = 600
SEED_TIMEOUT_S = 600
BOOT_TIMEOUT_S = 120


@dataclass
class MedusaStarted(harness.Started):
    """A started server and what the gateway needs to reach it."""

    database: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    # kept so the process is reaped once stopped (a dropped Popen of a live child warns)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False, compare=False)


def postgres_url() -> str:
    return os.environ.get("CG_MEDUSA_HARNESS_POSTGRES", DEFAULT_POSTGRES)


def _database_url(name: str) -> str:
    base = postgres_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


def _server_dir() -> Path:
    return Path(__file__).with_name("server")


def install() -> Path:
    """Install the pinned Medusa packages once; idempotent."""
    folder = harness.install_dir(NAME, VERSION)
    with harness.exclusive(harness.install_lock(folder)):
        if not harness.is_installed(folder):
            started = time.monotonic()
            harness.npm_install(folder, PACKAGE_JSON)
            harness.mark_installed(
                folder, {"version": VERSION, "install_s": round(time.monotonic() - started, 1)}
            )
    for name in SERVER_FILES:
        shutil.copyfile(_server_dir() / name, folder / name)
    return folder


def _cli(folder: Path) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise harness.HarnessError("node is not installed; Medusa needs Node 20")
    return [node, str(folder / "node_modules" / "@medusajs" / "cli" / "cli.js")]


def _env(database: str) -> dict[str, str]:
    return {
        "DATABASE_URL": _database_url(database),
        "NODE_ENV": "production",
        "MEDUSA_DISABLE_TELEMETRY": "true",
    }


def template_name() -> str:
    digest = hashlib.sha256()
    for name in SERVER_FILES:
        digest.update((_server_dir() / name).read_bytes())
    payload = seed_payload(CATALOG_EPOCH, ADMIN_EMAIL, ADMIN_PASSWORD)
    digest.update(json.dumps(payload, sort_keys=True).encode())
    return f"cg_medusa_template_{VERSION.replace('.', '_')}_{digest.hexdigest()[:10]}"


def _admin(statement: sql.Composed) -> None:
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute(statement)


def _exists(database: str) -> bool:
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
    return row is not None


def drop_database(database: str) -> None:
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


def ensure_template(folder: Path) -> tuple[str, dict[str, Any]]:
    """The migrated, seeded template database and the facts its seed wrote; built if absent."""
    name = template_name()
    facts_file = folder / "templates" / f"{name}.json"
    with harness.exclusive(folder / "template.lock"):
        if facts_file.is_file() and _exists(name):
            return name, json.loads(facts_file.read_text("utf-8"))
        timings: dict[str, float] = {}
        drop_database(name)
        _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        log = folder / "template.log"
        started = time.monotonic()
        harness.run(
            [*_cli(folder), "db:migrate"],
            cwd=folder,
            env=_env(name),
            timeout=MIGRATE_TIMEOUT_S,
            log=log,
        )
        timings["migrate_s"] = round(time.monotonic() - started, 1)
        seed_in = folder / "templates" / f"{name}.in.json"
        seed_out = folder / "templates" / f"{name}.out.json"
        seed_in.parent.mkdir(parents=True, exist_ok=True)
        seed_in.write_text(
            json.dumps(seed_payload(CATALOG_EPOCH, ADMIN_EMAIL, ADMIN_PASSWORD)), "utf-8"
        )
        started = time.monotonic()
        harness.run(
            [*_cli(folder), "exec", "./seed.js"],
            cwd=folder,
            env={
                **_env(name),
                "CG_MEDUSA_SEED_IN": str(seed_in),
                "CG_MEDUSA_SEED_OUT": str(seed_out),
            },
            timeout=SEED_TIMEOUT_S,
            log=log,
        )
        timings["seed_s"] = round(time.monotonic() - started, 1)
        facts = {**json.loads(seed_out.read_text("utf-8")), "timings": timings}
        facts_file.write_text(json.dumps(facts, indent=2), "utf-8")
        return name, facts


def start(port: int | None = None) -> MedusaStarted:
    """A seeded Medusa on a loopback port, in a database of its own cloned from the template."""
    folder = install()
    template, facts = ensure_template(folder)
    database = f"cg_medusa_{os.getpid()}_{secrets.token_hex(4)}"
    started_at = time.monotonic()
    # PostgreSQL refuses to copy a template two sessions are copying
    with harness.exclusive(folder / "template.lock"):
        _admin(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(database), sql.Identifier(template)
            )
        )
    clone_s = round(time.monotonic() - started_at, 1)
    port = port or harness.free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / f"{NAME}-{port}.log"
    started_at = time.monotonic()
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [*_cli(folder), "start", "--port", str(port), "--host", "127.0.0.1"],
            cwd=folder,
            env={**os.environ, **_env(database)},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = MedusaStarted(
        name=NAME,
        pid=process.pid,
        url=url,
        port=port,
        log=log,
        database=database,
        process=process,
    )
    try:
        harness.wait_until_ready(f"{url}/health", process, timeout=BOOT_TIMEOUT_S, log=log)
    except BaseException:
        stop(started)
        raise
    timings = {"clone_s": clone_s, "boot_s": round(time.monotonic() - started_at, 1)}
    started.facts = {**facts, "timings": {**facts.get("timings", {}), **timings}}
    return started


def stop(started: MedusaStarted) -> None:
    """Stop the server by its pid (its whole process group) and drop its database."""
    harness.stop(started.pid)
    if started.process is not None:
        started.process.poll()
    if started.database:
        drop_database(started.database)


def kill(started: MedusaStarted) -> None:
    """Kill the server at once (a vendor dying mid-run); its database stays until ``stop``."""
    harness.kill(started.pid)
    if started.process is not None:
        started.process.wait(timeout=10)


def settings_env(started: harness.Started) -> dict[str, str]:
    env = {
        "CG_MEDUSA__URL": started.url,
        "CG_MEDUSA__ADMIN_EMAIL": ADMIN_EMAIL,
        "CG_MEDUSA__ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    facts = getattr(started, "facts", {})
    if facts:  # the regions need no variable: the adapter finds them by currency
        env["CG_MEDUSA__PUBLISHABLE_KEY"] = str(facts["publishable_key"])
    return env
