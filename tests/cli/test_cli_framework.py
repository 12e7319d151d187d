"""The command line as an operator meets it: help and defaults everywhere, ``--version``,
checked numbers, one-line errors, no database created by accident, progress on a terminal."""

from __future__ import annotations

import argparse
import io
import os
import pty
import sqlite3
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from commercegraph import __version__
from commercegraph.cli import build_parser, main
from commercegraph.progress import ProgressLine, progress, showing_progress


def _parsers(
    parser: argparse.ArgumentParser, path: str = "commercegraph"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}")


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Outcome]:
    """``main(argv)`` in-process, with only the given CG_* variables and working directory."""
    for name in list(os.environ):
        if name.startswith("CG_"):
            monkeypatch.delenv(name)

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Outcome:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return run


def test_every_command_and_option_has_help_and_shows_its_default() -> None:
    for path, parser in _parsers(build_parser()):
        text = parser.format_help()
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            name = "/".join(action.option_strings) or action.dest
            assert action.help, f"{path} {name} has no help text"
            if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
                assert f"(default: {action.default}" in text, f"{path} {name} hides its default"
        subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for group in subcommands:
            helped = {c.dest for c in group._choices_actions}
            assert helped == set(group.choices), f"{path}: commands without help"


def test_version(cli: Callable[..., Outcome]) -> None:
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"commercegraph {__version__}"


def test_outside_the_project_a_read_command_says_what_is_missing_and_creates_nothing(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    result = cli("token", "--customer", "devi@example.com", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"no database at {tmp_path / 'commercegraph.db'}" in result.stderr
    assert "commercegraph migrate" in result.stderr and "CG_DATABASE_URL" in result.stderr
    assert list(tmp_path.iterdir()) == []
    # a staff token needs no store, so it is issued anywhere
    staff = cli("token", "--staff", "--ttl", "60", cwd=tmp_path)
    assert staff.returncode == 0 and staff.stdout.count(".") == 2
    assert list(tmp_path.iterdir()) == []


def test_an_unmigrated_store_is_one_line(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    env = {"CG_DATABASE_URL": f"sqlite+aiosqlite:///{empty}"}
    for args in (("token", "--customer", "devi@example.com"), ("segments", "refresh")):
        result = cli(*args, env=env)
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "not migrated" in result.stderr and "commercegraph migrate" in result.stderr
    with pytest.raises(Exception) as raised:
        main(["--traceback", "segments", "refresh"])
    assert "no such table" in "".join(traceback.format_exception(raised.value))


@pytest.mark.parametrize(
    ("ttl", "message"),
    [("0", "0 is out of range"), ("-5", "out of range"), ("soon", "not a whole number"),
     ("99999999", "out of range")],
)  # fmt: skip
def test_ttl_is_checked(
    ttl: str, message: str, tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    result = cli("token", "--staff", "--ttl", ttl, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "--ttl" in result.stderr


def test_counts_and_ports_are_checked(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    assert "out of range" in cli("seed", "--customers", "-1", cwd=tmp_path).stderr
    assert "out of range" in cli("serve", "--port", "70000", cwd=tmp_path).stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_draws_on_a_terminal_only() -> None:
    terminal = _Terminal()
    with showing_progress("seed", terminal):
        progress("customers", 500, 2000)
        progress("customers", 2000, 2000)
    text = terminal.getvalue()
    assert "seed: customers [#####---------------]  25%  500/2,000" in text
    assert "[####################] 100%  2,000/2,000" in text
    assert text.endswith("\r\x1b[K")  # cleared for the command's own output
    piped = io.StringIO()
    with showing_progress("seed", piped):
        progress("customers", 1, 2)
    assert piped.getvalue() == ""
    progress("outside any command", 1, 2)  # no command shows progress: nothing happens
    assert ProgressLine("x", piped).enabled is False


@pytest.mark.slow
def test_seeding_shows_progress_on_a_terminal_and_is_quiet_in_a_pipe(tmp_path: Path) -> None:
    env = {"CG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", "CG_LOG_LEVEL": "ERROR"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CG_")}
    command = [sys.executable, "-m", "commercegraph"]
    assert subprocess.run([*command, "migrate"], env={**clean, **env}).returncode == 0
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc = subprocess.run(
        [*command, "seed", "--customers", "30"],
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=slave,
        timeout=300,
    )
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    drawn = b"".join(chunks).decode()
    assert proc.returncode == 0, drawn
    assert "seed: catalog" in drawn and "seed: customers and their orders [" in drawn
    assert "100%  30/30" in drawn and "segments" in drawn
    assert b'"customers"' in proc.stdout  # the summary still goes to stdout, on its own
    quiet = subprocess.run(
        [*command, "seed", "--reset", "--customers", "5"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert quiet.returncode == 0 and "\r" not in quiet.stderr and "seed:" not in quiet.stderr
