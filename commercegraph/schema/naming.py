"""Python names to GraphQL names, converted once per name rather than once per call.

Strawberry asks the name converter for every argument of every resolver call (it maps the
GraphQL argument names back to Python ones), so a 50-product page converts thousands of
names that never change; the schema's names are few, so the cache is small and bounded.
"""

from __future__ import annotations

from functools import lru_cache

from strawberry.schema.name_converter import NameConverter

NAME_CACHE_SIZE = 4096  # far more names than the schema has; bounded all the same


class CachedNameConverter(NameConverter):
    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case)
        self._convert = lru_cache(maxsize=NAME_CACHE_SIZE)(super().apply_naming_config)

    def apply_naming_config(self, name: str) -> str:
        return self._convert(name)
