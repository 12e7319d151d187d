"""A real Wagtail site for the ``wagtail`` adapter: installed into its own virtualenv in the
vendor cache, with a small Django project (``django-site/`` beside this module: a
``ProductPage`` type with the sku, handle, body and image URLs exposed to the REST API v2),
migrated and seeded with the demo content in en-US and de-DE, served by gunicorn on loopback.

``python -m commercegraph backends vendor start wagtail`` or, from a test,
``started = harness.start(None)`` then ``harness.stop(started.pid)``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import venv
from datetime import UTC, datetime
from pathlib import Path

from commercegraph.adapters import harness
from commercegraph.adapters.harness import HarnessError, Started

NAME = "wagtail"
VERSION = "8.0.1"
# Every package of the site, pinned as resolved for CPython 3.11 (Django 6 needs 3.12).
REQUIREMENTS = (
    f"wagtail=={VERSION}",
    "annotated-types==0.8.0",
    "anyascii==0.3.3",
    "asgiref==3.13.0",
    "beautifulsoup4==4.15.0",
    "certifi==2026.10.19.post1",
    "charset-normalizer==3.5.3",
    "defusedxml==0.7.1",
    "Django==5.2.19",
    "django-filter==26.2",
    "django-modelcluster==6.5",
    "django-ninja==1.7.1",
    "django-permissionedforms==0.1",
    "django-stubs-ext==6.1.2",
    "django-taggit==6.1.0",
    "django-tasks==0.12.0",
    "django-treebeard==5.3.1",
    "djangorestframework==3.18.3",
    "draftjs_exporter==7.3.1",
    "et_xmlfile==2.0.0",
    "filetype==1.2.0",
    "gunicorn==27.0.1",
    "idna==3.20",
    "laces==0.1.2",
    "modelsearch==1.3.2",
    "openpyxl==3.1.5",
    "pillow==13.0.0",
    "pillow_heif==1.8.1",
    "pydantic==2.14.4",
    "pydantic_core==2.50.5",
    "requests==2.34.2",
    "soupsieve==4.1.3",
    "sqlparse==0.6.1",
    "swapper==1.5.0",
    "telepath==0.3.1",
    "typing-inspection==0.4.5",
    "typing_extensions==4.16.0",
    "urllib3==2.8.0",
    "Willow==1.12.0",
)
SITE_TEMPLATE = Path(__file__).with_name("django-site")
PAGE_TYPE = "catalog.ProductPage"
# The gateway's locales and the Wagtail language codes the site holds them under.
LOCALES = {"en-US": "en", "de-DE": "de"}
# Content the gateway's own store does not have, so a test can tell where an entry came from.
WAGTAIL_ONLY_SKU = "SKU-WAGTAIL-ONLY"
WAGTAIL_ONLY_TITLE = "Only in Wagtail"
WORKERS = 2
READY_TIMEOUT_S = 120.0


def folder() -> Path:
    return harness.install_dir(NAME, VERSION)


def python(install: Path) -> Path:
    return install / "venv" / "bin" / "python"


def site_dir(install: Path) -> Path:
    return install / "site"


def install() -> Path:
    """The virtualenv, the site, its database migrated and seeded; reused once complete."""
    target = folder()
    if harness.is_installed(target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    with harness.exclusive(harness.install_lock(target)):
        if not harness.is_installed(target):
            _install_into(target)
    return target


def _install_into(target: Path) -> None:
    log = target / "install.log"
    if not python(target).exists():
        # The same interpreter as ours, so the pinned wheels fit it.
        venv.EnvBuilder(with_pip=True, clear=True).create(target / "venv")
    harness.run(
        [str(python(target)), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
        cwd=target,
        log=log,
    )
    site = site_dir(target)
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(SITE_TEMPLATE, site, ignore=shutil.ignore_patterns("__pycache__"))
    seed = target / "seed.json"
    seed.write_text(json.dumps({"pages": demo_pages()}, ensure_ascii=False), "utf-8")
    manage = [str(python(target)), "manage.py"]
    harness.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=site, log=log)
    harness.run([*manage, "seed_demo", str(seed)], cwd=site, log=log)
    harness.mark_installed(
        target,
        {"name": NAME, "version": VERSION, "python": sys.version.split()[0], "pins": REQUIREMENTS},
    )


def demo_pages() -> list[dict[str, object]]:
    """The native demo's product content as Wagtail pages, plus one page only Wagtail has."""
    from commercegraph.demo.catalog import build_catalog
    from commercegraph.demo.content import content_rows

    catalog = build_catalog(datetime.now(UTC))
    products = {p["id"]: p for p in catalog.products}
    pages: list[dict[str, object]] = []
    for row in content_rows(catalog):
        if row["entity_type"] != "product":
            continue
        product = products[row["entity_key"]]
        pages.append(
            {
                "sku": product["sku"],
                "handle": handle(str(product["name"])),
                "title": row["title"],
                "body": row["body"],
                "images": list(row["images"]),
                "locale": LOCALES[str(row["locale"])],
            }
        )
    pages.append(
        {
            "sku": WAGTAIL_ONLY_SKU,
            "handle": "only-in-wagtail",
            "title": WAGTAIL_ONLY_TITLE,
            "body": "An entry the editors wrote in Wagtail alone.",
            "images": ["https://cdn.example.com/wagtail/only.jpg"],
            "locale": LOCALES["en-US"],
        }
    )
    return pages


def handle(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def start(port: int | None = None) -> Started:
    """Serve the seeded site with gunicorn (installing it first if needed) on loopback."""
    target = install()
    port = port or harness.free_port()
    gunicorn = target / "venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        raise HarnessError(f"{gunicorn} is missing: remove {target} and install again")
    url = f"http://127.0.0.1:{port}"
    return harness.start(
        NAME,
        [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--access-logfile",
            "-",
            "--preload",  # import Django once, before forking the workers
            "cgsite.wsgi",
        ],
        cwd=site_dir(target),
        port=port,
        url=url,
        ready_url=f"{url}/api/v2/pages/?limit=1",
        timeout=READY_TIMEOUT_S,
    )


def settings_env(started: Started) -> dict[str, str]:
    return {
        "CG_ADAPTERS__CONTENT": NAME,
        "CG_WAGTAIL__URL": started.url,
        "CG_WAGTAIL__PAGE_TYPE": PAGE_TYPE,
        "CG_WAGTAIL__KEY_FIELD": "product_sku",
    }  # CG_WAGTAIL__LOCALES: the default mapping is the site's (LOCALES)


stop = harness.stop
kill = harness.kill
