"""Process settings for a serving gateway: the garbage collector, tuned for request work.

A request allocates tens of thousands of short-lived objects; with the default thresholds
the collector runs a young collection every 700 allocations and, every hundred of those, a
full one that walks the whole heap (schema, compiled rules, SQLAlchemy's caches: hundreds
of thousands of objects that never die) for 100 ms and more. Freezing what start-up built
moves it out of every collection's sight; larger thresholds make collections rarer, and a
full collection then walks only what requests left behind.
"""

from __future__ import annotations

import gc

# Young collections every 20,000 net allocations (a page's worth rather than a resolver's);
# older generations after 20 and 20 of those.
GC_THRESHOLDS = (20_000, 20, 20)


def settle_heap() -> None:
    """Collect once, then freeze the survivors: call when start-up has built what lasts."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
