"""Exit 1 with one line when pyproject.toml asks for a package the lock files do not pin
(or pin at a version outside its range): someone added a dependency and must run
``make lock``. Runs on a bare interpreter before anything is installed, so it uses only
the standard library and the ``packaging`` that pip carries."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a bare venv: pip vendors the same library
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
# lock file -> the pyproject extras it covers besides the runtime dependencies
LOCKS = {"requirements.lock": ("otlp",), "requirements-dev.lock": ("otlp", "dev")}


def pins(lock: Path) -> dict[str, set[str]]:
    pinned: dict[str, set[str]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if "==" not in line or line.startswith((" ", "#")):
            continue
        name, _, rest = line.partition("==")
        version = rest.split(";")[0].split("\\")[0].strip()
        pinned.setdefault(canonicalize_name(name.split("[")[0]), set()).add(version)
    return pinned


def missing(pyproject: Path, lock: Path, extras: tuple[str, ...]) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = list(project.get("dependencies", []))
    for extra in extras:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    if not lock.exists():
        return [f"{lock.name} (absent)"]
    pinned = pins(lock)
    problems = []
    for text in wanted:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == canonicalize_name(project["name"]):
            continue  # an extra naming another of ours (dev takes otlp): locked with it
        versions = pinned.get(canonicalize_name(requirement.name), set())
        if not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{requirement} in {lock.name}")
    return problems


def main() -> int:
    problems = [
        problem
        for lock, extras in LOCKS.items()
        for problem in missing(ROOT / "pyproject.toml", ROOT / lock, extras)
    ]
    if problems:
        print(f"lock out of date: run make lock (missing: {', '.join(problems)})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
