"""The compiled pricing rule set, shared across requests and rebuilt only when the rules'
revision moves (one cheap read per request); a compile runs once per event loop at a time.

Keyed weakly by the pricing backend (the guarded adapter), so a registry that goes away takes
its compiled rules with it.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from commercegraph.adapters.base import PricingBackend
from commercegraph.services.pricing_engine import RuleSet

# Compiled rule sets per backend, rebuilt when the stored revision moves.
_RULE_SETS: weakref.WeakKeyDictionary[Any, RuleSet] = weakref.WeakKeyDictionary()
# One compile at a time per event loop (a lock belongs to the loop it first waits on).
_BUILD_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def load_rule_set(backend: PricingBackend) -> RuleSet:
    revision = await backend.rules_revision()
    cached = _RULE_SETS.get(backend)
    if cached is not None and cached.revision == revision:
        return cached
    lock = _BUILD_LOCKS.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        cached = _RULE_SETS.get(backend)
        if cached is not None and cached.revision == revision:
            return cached
        revision, records = await backend.active_rules()
        rule_set = RuleSet.build(revision, records, previous=cached)
        _RULE_SETS[backend] = rule_set
        return rule_set
