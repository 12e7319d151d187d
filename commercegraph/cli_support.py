"""What every ``commercegraph`` command shares: help with defaults, checked numbers, a store
that must already exist, and one-line errors instead of tracebacks.

Commands are registered as usual with ``sub.add_parser(...)``; the parser class below is
inherited by every subcommand, so each option's help shows its default.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

MAX_TOKEN_TTL_SECONDS = 31 * 24 * 3600  # a dev token that outlives a month is a leaked one


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Appends ``(default: X)`` to an option's help when it has a default worth showing."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and action.option_strings
        if shown and "(default" not in text and not isinstance(action, argparse._VersionAction):
            text += " (default: %(default)s)"
        return text


class CommandParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help shows each option's default."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)


def int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number in ``[low, high]``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
            raise argparse.ArgumentTypeError(f"{value:,} is out of range: use {bound}")
        return value

    parse.__name__ = "whole number"
    return parse


class CommandError(Exception):
    """A command cannot run; the message says why in one line, and what to do."""

    exit_code = 1


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory SQLite)."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise CommandError(f"CG_DATABASE_URL is not a database URL: {database_url!r}") from exc
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def require_store(database_url: str) -> None:
    """Refuse to run on a SQLite file that does not exist: opening it would create it."""
    path = sqlite_path(database_url)
    if path is not None and not path.is_file():
        raise CommandError(
            f"no database at {path}: run `commercegraph migrate` (and `seed`) first, "
            "or point CG_DATABASE_URL at the store"
        )


def describe_failure(exc: BaseException, database_url: str) -> str:
    """One line for an error a command did not expect."""
    cause = exc.__cause__
    if isinstance(cause, DBAPIError):  # the guard's BackendUnavailable over the native store
        exc = cause
    if isinstance(exc, DBAPIError):
        text = str(exc.orig or exc).strip().splitlines()[0]
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            return f"the database is not migrated ({text}): run `commercegraph migrate`"
        return f"the database failed: {text}"
    if isinstance(exc, OSError) and database_url.startswith("postgresql"):
        return f"cannot reach PostgreSQL ({exc.strerror or exc}): is it running, is the URL right?"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def run_command(
    handler: Callable[[], int], database_url: Callable[[], str], *, traceback: bool
) -> int:
    """Run a command's handler; failures become one line on stderr and exit code 1."""
    try:
        return handler()
    except CommandError as exc:
        print(f"commercegraph: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("commercegraph: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # every failure is one line unless --traceback asks for more
        if traceback:
            raise
        print(
            f"commercegraph: {describe_failure(exc, database_url())} (--traceback for details)",
            file=sys.stderr,
        )
        return 1
