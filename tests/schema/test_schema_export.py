"""The checked-in SDL is the contract: it must match the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from commercegraph.schema import build_schema


def test_checked_in_schema_matches_code(repo_root: Path) -> None:
    checked_in = (repo_root / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == build_schema().as_str() + "\n", (
        "schema.graphql is stale: run `commercegraph export-schema` (or `make schema`)"
    )


def test_export_schema_command_writes_the_sdl(tmp_path: Path) -> None:
    out = tmp_path / "schema.graphql"
    subprocess.run(
        [sys.executable, "-m", "commercegraph", "export-schema", "--output", str(out)],
        check=True,
        capture_output=True,
    )
    text = out.read_text(encoding="utf-8")
    assert "type Query" in text and "interface Node" in text
    assert text == build_schema().as_str() + "\n"
