"""The README's story of Devi, run as a reader would paste it: ``examples/devi-story.sh``
against a real server on a freshly seeded demo. Each step fails the script on a GraphQL
error, so a renamed field or a changed rule breaks this test, not the reader."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import serve

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "devi-story.sh"


def _cli(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "commercegraph", *args],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="the story is told with curl")
def test_the_story_runs_from_start_to_end(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'story.db'}",
        "CG_LOG_LEVEL": "WARNING",
        "CG": str(Path(sys.executable).parent / "commercegraph"),
    }
    _cli("migrate", env=env)
    _cli("seed", "--customers", "100", env=env)
    with serve(env) as base:
        story = subprocess.run(
            ["sh", str(STORY), base],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    (tmp_path / "told.txt").write_text(story.stdout)
    assert story.returncode == 0, story.stdout[-3000:] + story.stderr[-2000:]
    told = story.stdout
    # the sentences that move money say so in their answers
    assert '"pointsEarned":' in told and '"pointsReleased":199' in told
    assert '"rate":"1.086957"' in told and '"source":"demo price book"' in told
    assert '"added":[]' in told  # the second fill adds nothing
    assert re.search(r'"formatted":"\d+,\d\d\s€"', told)  # Berlin, in euros, formatted in German
    assert '"recommendations":[]' in told  # consent withdrawn
    assert "['commerce', 'customer'" in told  # the export, grouped by system
