"""How a checked condition is evaluated cheaply: pins, quote-level and line-level tests.

A condition's top-level ``&&`` conjuncts are planned one by one:
- a pin (``line.sku == "X"``, ``line.brand in [...]``, ``"seg" in customer.segments``,
  ``channel == "WEB"``) is answered by the rule index and never evaluated;
- a simple comparison of a context field with a literal runs as a Python predicate;
- anything else is compiled to a CEL program.
A conjunct that reads only the shopper and the clock is evaluated once per request, one
that reads the cart once per basket, one that reads ``line``, ``stock`` or ``demand`` once
per line (and equal simple tests once per line, whichever rules share them). Splitting
``a && b`` this way decides exactly as CEL does: "false" and "error" both mean "no match".
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from commercegraph.services.pricing_engine.language import (
    CONTEXT_TYPES,
    INDEXED_PATHS,
    Token,
    _unquote,
)

LINE_VARIABLES = frozenset({"line", "stock", "demand"})
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, slots=True)
class SimpleTest:
    """``path op literal``; ``op`` is a comparison, ``in`` (field in literals), ``has``
    (literal in list field), ``is`` (a bool field equal to ``literal``)."""

    path: tuple[str, ...]
    op: str
    literal: Any

    def __call__(self, values: Mapping[str, Any]) -> bool:
        value: Any = values
        for part in self.path:
            value = value[part]
        if self.op == "in":
            return bool(value in self.literal)
        if self.op == "has":
            return bool(self.literal in value)
        if self.op == "is":
            return bool(value is self.literal)
        return COMPARE[self.op](value, self.literal)


SHOPPER, CART, LINE = "shopper", "cart", "line"


@dataclass(frozen=True, slots=True)
class Conjunct:
    source: str
    scope: str  # shopper (customer, channel, store, clock) | cart | line (line, stock, demand)
    simple: SimpleTest | None
    variables: frozenset[str] = frozenset()  # the context variables it reads

    @property
    def per_line(self) -> bool:
        return self.scope == LINE


@dataclass(frozen=True, slots=True)
class CheckedCondition:
    source: str
    # kind ("sku", "category", ...) -> values the line or shopper must have.
    pins: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # what is left to evaluate once the pins hold
    conjuncts: tuple[Conjunct, ...] = ()

    @property
    def fully_pinned(self) -> bool:
        return not self.conjuncts


def _split(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens[:-1]:
        if tok.kind == "op" and tok.text in "([{":
            depth += 1
        elif tok.kind == "op" and tok.text in ")]}":
            depth -= 1
        elif depth == 0 and tok.kind == "op" and tok.text in ("||", "?"):
            return [tokens[:-1]]
        elif depth == 0 and tok.kind == "op" and tok.text == "&&":
            parts.append([])
            continue
        parts[-1].append(tok)
    return parts


def _path(tokens: list[Token], i: int) -> tuple[tuple[str, ...], int] | None:
    """A context field path starting at ``tokens[i]``, and the index after it."""
    if i >= len(tokens) or tokens[i].kind != "ident" or tokens[i].text not in CONTEXT_TYPES:
        return None
    parts = [tokens[i].text]
    i += 1
    while i + 1 < len(tokens):
        if tokens[i].text == "." and tokens[i + 1].kind == "ident":
            parts.append(tokens[i + 1].text)
            i += 2
        elif _string_index(tokens, i):  # a missing key fails as CEL's lookup does
            parts.append(_unquote(tokens[i + 1].text))
            i += 3
        else:
            break
    if i < len(tokens) and tokens[i].text in ("(", "[", "."):
        return None
    return tuple(parts), i


def _string_index(tokens: list[Token], i: int) -> bool:
    """``["key"]`` at ``tokens[i]``: a map read by a string key."""
    return (
        i + 2 < len(tokens)
        and tokens[i].text == "["
        and tokens[i].kind == "op"
        and tokens[i + 1].kind == "str"
        and tokens[i + 2].text == "]"
    )


def _literal(tokens: list[Token], i: int) -> tuple[Any, int] | None:
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if tok.kind == "str":
        return _unquote(tok.text), i + 1
    if tok.kind == "num":
        return (float(tok.text) if "." in tok.text else int(tok.text)), i + 1
    if tok.kind == "ident" and tok.text in ("true", "false"):
        return tok.text == "true", i + 1
    if tok.text == "[" and tok.kind == "op":
        items, i = [], i + 1
        while i < len(tokens) and tokens[i].text != "]":
            item = _literal(tokens, i)
            if item is None or isinstance(item[0], list | frozenset):
                return None
            items.append(item[0])
            i = item[1]
            if i < len(tokens) and tokens[i].text == ",":
                i += 1
        return (frozenset(items), i + 1) if i < len(tokens) else None
    return None


def simple_test(tokens: list[Token]) -> SimpleTest | None:
    """The conjunct as a predicate over plain values, when it has one of the simple forms."""
    n = len(tokens)
    if n >= 2 and tokens[0].text == "!" and (p := _path(tokens, 1)) and p[1] == n:
        return SimpleTest(p[0], "is", False)
    if (p := _path(tokens, 0)) is not None:
        path, i = p
        if i == n:
            return SimpleTest(path, "is", True)
        op = tokens[i].text
        lit = _literal(tokens, i + 1)
        if lit is None or lit[1] != n:
            return None
        if op in COMPARE and not isinstance(lit[0], frozenset):
            return SimpleTest(path, op, lit[0])
        if op == "in" and isinstance(lit[0], frozenset):
            return SimpleTest(path, "in", lit[0])
        return None
    lit = _literal(tokens, 0)
    if lit is None or isinstance(lit[0], frozenset) or lit[1] >= n:
        return None
    op = tokens[lit[1]].text
    p = _path(tokens, lit[1] + 1)
    if p is None or p[1] != n:
        return None
    if op == "in":
        return SimpleTest(p[0], "has", lit[0])
    return SimpleTest(p[0], FLIPPED[op], lit[0]) if op in COMPARE else None


def _pin(test: SimpleTest | None) -> tuple[str, frozenset[str]] | None:
    if test is None:
        return None
    kind = INDEXED_PATHS.get(".".join(test.path))
    if kind is None:
        return None
    if kind == "segment":
        return (kind, frozenset({test.literal})) if test.op == "has" else None
    if test.op == "==" and isinstance(test.literal, str):
        return kind, frozenset({test.literal})
    if test.op == "in" and all(isinstance(v, str) for v in test.literal):
        return kind, frozenset(test.literal)
    return None


def plan_condition(source: str, tokens: list[Token]) -> CheckedCondition:
    pins: dict[str, frozenset[str]] = {}
    conjuncts: list[Conjunct] = []
    for part in _split(tokens):
        test = simple_test(part)
        pin = _pin(test)
        if pin is not None:
            kind, values = pin
            if kind not in pins:
                pins[kind] = values
            elif kind == "segment":  # the shopper must be in every segment named
                pins[kind] = pins[kind] | values
            else:  # the line's one value must be in every set named
                pins[kind] = pins[kind] & values
            continue
        variables = {
            t.text
            for i, t in enumerate(part)
            if t.kind == "ident" and t.text in CONTEXT_TYPES and (i == 0 or part[i - 1].text != ".")
        }
        text = source[part[0].offset : part[-1].offset + len(part[-1].text)]
        if text == "true":
            continue
        scope = LINE if variables & LINE_VARIABLES else CART if "cart" in variables else SHOPPER
        conjuncts.append(Conjunct(text, scope, test, frozenset(variables)))
    return CheckedCondition(source=source, pins=pins, conjuncts=tuple(conjuncts))
