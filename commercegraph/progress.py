"""A progress line on stderr for long commands, silent when stderr is not a terminal.

Long work reports how far it is with ``progress(step, done, total)``; that is a no-op unless
a command shows progress, so library code calls it freely (the context variable keeps it
per command, and tasks started inside inherit it):

>>> with showing_progress("seed") as line:
...     for done in range(0, 20_000, 500):
...         progress("customers", done, 20_000)
seed: customers [########------------]  40%  8,000/20,000  19.6 s
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

BAR_WIDTH = 20
REDRAW_EVERY_S = 0.1  # ten redraws a second look live and cost nothing

_current: ContextVar[ProgressLine | None] = ContextVar("commercegraph_progress", default=None)


class ProgressLine:
    """Redraws one line in place: ``label: step [bar] percent done/total elapsed``."""

    def __init__(self, label: str, stream: TextIO, *, enabled: bool | None = None) -> None:
        self.label = label
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.drawn = False
        self.step: str | None = None

    def update(self, step: str, done: int | None = None, total: int | None = None) -> None:
        now = time.monotonic()
        final = done is not None and total is not None and done >= total
        news = final or step != self.step  # a new phase is always shown, however short
        if not self.enabled or (now - self.drawn_at < REDRAW_EVERY_S and not news):
            return
        self.drawn_at, self.step = now, step
        text = f"{self.label}: {step}"
        if done is not None and total:
            filled = min(BAR_WIDTH, BAR_WIDTH * done // total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text += f" [{bar}] {100 * done // total:3d}%  {done:,}/{total:,}"
        elif done is not None:
            text += f"  {done:,}"
        text += f"  {now - self.started:.1f} s"
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")  # the command's own output follows on a clean line
            self.stream.flush()


def progress(step: str, done: int | None = None, total: int | None = None) -> None:
    """Report how far long work is; nothing happens unless a command shows progress."""
    line = _current.get()
    if line is not None:
        line.update(step, done, total)


@contextmanager
def showing_progress(
    label: str, stream: TextIO | None = None, *, enabled: bool | None = None
) -> Iterator[ProgressLine]:
    line = ProgressLine(label, stream or sys.stderr, enabled=enabled)
    token = _current.set(line)
    try:
        yield line
    finally:
        _current.reset(token)
        line.close()
