"""A bound on JSON nesting, checked on the raw bytes before any parser recurses into them.

``json.loads`` recurses once per level: a few thousand nested arrays (10 KB) raise
``RecursionError`` deep inside the parser, and anything that walks the parsed value later
recurses as deeply. Counting brackets outside strings is linear and recursion-free.
"""

from __future__ import annotations

import re
from itertools import accumulate

CODE = "JSON_TOO_DEEP"
DEFAULT_MAX_DEPTH = 64  # far past any GraphQL variables or event a client sends

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nesting_depth(raw: bytes | str) -> int:
    """The deepest level of arrays and objects in ``raw``; brackets in strings do not count.

    Malformed input gets a number too (the parser refuses it afterwards).
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if b"[" not in data and b"{" not in data:
        return 0
    brackets = _NOT_BRACKETS.sub(b"", _STRING.sub(b"", data))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def too_deep(raw: bytes | str | None, limit: int) -> bool:
    if not raw:
        return False
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") <= limit:  # cannot be deeper: skip the scan
        return False
    return nesting_depth(data) > limit
