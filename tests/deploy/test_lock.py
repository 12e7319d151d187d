"""The lock files cover pyproject's dependencies, and the check says so in one line when not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "check_lock.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _copy(tmp_path: Path, pyproject: str) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "check_lock.py", tmp_path / "scripts")
    for lock in ("requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / lock, tmp_path)
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return tmp_path


def test_the_locks_cover_pyproject() -> None:
    result = _check(ROOT)
    assert result.returncode == 0, result.stderr


def test_every_pin_carries_hashes() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        entries = (ROOT / lock).read_text().split("\n")
        pinned = [line for line in entries if "==" in line and not line.startswith((" ", "#"))]
        assert pinned and all(line.rstrip().endswith("\\") for line in pinned), lock


def test_a_new_dependency_not_in_the_lock_fails_in_one_line(tmp_path: Path) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    added = pyproject.replace(
        "dependencies = [\n", 'dependencies = [\n    "left-pad-nowhere>=1",\n', 1
    )
    result = _check(_copy(tmp_path, added))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("lock out of date: run make lock")
    assert "left-pad-nowhere" in result.stderr


def test_a_range_the_pin_does_not_meet_fails(tmp_path: Path) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    raised = pyproject.replace('"alembic>=1.13"', '"alembic>=99"', 1)
    assert raised != pyproject
    result = _check(_copy(tmp_path, raised))
    assert result.returncode == 1 and "alembic>=99" in result.stderr
