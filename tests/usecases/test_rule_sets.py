"""The compiled rule-set cache is process state keyed by the pricing backend, never by a
request: however many requests load the rules, it holds one entry per registry, the same
compiled set, and the entry goes with the registry."""

from __future__ import annotations

import gc
import weakref

from commercegraph import bootstrap
from commercegraph.auth import Caller
from commercegraph.context import Context
from commercegraph.usecases import rule_sets
from tests.conftest import SeededDatabase, settings_for

REQUESTS = 200


async def test_many_requests_share_one_compiled_rule_set(seeded_db: SeededDatabase) -> None:
    settings = settings_for(seeded_db.url, cache_ttl_seconds=0)
    earlier = list(rule_sets._RULE_SETS.keys())  # other tests' registries, held until the end
    async with bootstrap.open(settings) as container:
        loaded = []
        for _ in range(REQUESTS):
            ctx = Context.build(Caller(), container.registry, settings)
            loaded.append(await ctx.loaders.pricing_rule_set.load("*"))
        del ctx
        added = [k for k in rule_sets._RULE_SETS.keys() if not any(k is e for e in earlier)]
        assert added == [container.registry.pricing]
        assert all(rule_set is loaded[0] for rule_set in loaded)
        assert rule_sets._RULE_SETS[container.registry.pricing] is loaded[0]
        pricing = weakref.ref(container.registry.pricing)
    del container, loaded, added, earlier
    gc.collect()
    assert pricing() is None  # and with it, its entry in the weakly keyed map
