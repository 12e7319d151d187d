"""The documentation site: built with ``mkdocs build --strict``, its configuration reference
generated from the settings models, every error code the package can answer documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from commercegraph.config_reference import render, settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "commercegraph"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Where the package spells an error code: class attributes, CODE constants, constants named
# by their value, the first argument of the error helpers, status tables and extensions.
CODE_PATTERNS = (
    r'\bcode\s*=\s*"([A-Z][A-Z_]{3,})"',
    r'\b[A-Z_]*CODE[A-Z_]*\s*=\s*"([A-Z][A-Z_]{3,})"',
    r'(?:Problem|CodedHTTPError|limit_error)\(\s*(?:\d+\s*,\s*)?"([A-Z][A-Z_]{3,})"',
    r'\b\d{3}:\s*"([A-Z][A-Z_]{3,})"',
    r'"code"\]\s*=\s*"([A-Z][A-Z_]{3,})"',
    r'setdefault\("code",\s*"([A-Z][A-Z_]{3,})"',
)


# In the limits and HTTP modules a constant named by its own value is a code too
# (elsewhere such constants are enum members and kinds).
NAMED_BY_VALUE = r'\b([A-Z][A-Z_]{3,})\s*=\s*"\1"'
CODE_MODULES = ("limits", "security", "http")


def error_codes() -> set[str]:
    found: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for pattern in CODE_PATTERNS:
            found.update(re.findall(pattern, text))
        if source.parent.name in CODE_MODULES:
            found.update(re.findall(NAMED_BY_VALUE, text))
    return found


def test_every_setting_is_described() -> None:
    undocumented = [s.variable for s in settings() if not s.description]
    assert not undocumented, (
        f"describe these settings (Field(description=...) or config_descriptions): {undocumented}"
    )


def test_the_configuration_reference_is_generated_from_the_models() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == render(), "run `commercegraph config-reference` to regenerate it"
    for s in settings():
        assert f"`{s.variable}`" in page


def test_every_error_code_is_documented() -> None:
    codes = error_codes()
    assert {"BAD_USER_INPUT", "BACKEND_TIMEOUT", "MAX_DEPTH_EXCEEDED", "RATE_LIMITED"} <= codes
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = sorted(c for c in codes if f"`{c}`" not in page)
    assert not missing, f"document these codes in docs/errors.md: {missing}"


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    if mkdocs is None:
        if IN_CI:
            pytest.fail("mkdocs is not installed (CI=true: the docs must build)")
        pytest.skip("mkdocs is not installed: pip install -e '.[dev]'")
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    built = tmp_path / "site"
    for page in ("index.html", "configuration/index.html", "errors/index.html"):
        assert (built / page).is_file(), page
    assert "CG_DATABASE_URL" in (built / "configuration" / "index.html").read_text()


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """The anchor Python-Markdown's toc extension gives a heading (as mkdocs builds it)."""
    text = unicodedata.normalize("NFKD", re.sub(r"[`*]", "", heading))
    text = re.sub(r"[^\w\s-]", "", text.encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[-\s]+", "-", text.strip().lower())


def _headings_slugs(page: Path) -> set[str]:
    slugs: set[str] = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#{1,6}\s+(.*)", line)):
            slugs.add(_slug(m.group(1)))
    return slugs


def _links(page: Path) -> list[str]:
    links: list[str] = []
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            links.extend(LINK.findall(line))
    return links


def test_readme_links_resolve() -> None:
    """The README is outside the site, so mkdocs does not check its links."""
    readme = ROOT / "README.md"
    broken = []
    for link in _links(readme):
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = (readme.parent / path) if path else readme
        if not target.is_file():
            broken.append(link)
        elif anchor and target.suffix == ".md" and anchor not in _headings_slugs(target):
            broken.append(link)
    assert not broken, f"README.md links to missing files or anchors: {broken}"
