"""The condition language: CEL, type-checked against the pricing context before it is saved.

The evaluator (the ``cel`` package, a Rust core) does not type-check, so this module parses
the expression itself with a small recursive-descent parser that infers a type for every
sub-expression. Unknown variables or fields, wrong operand types and a non-boolean result
are refused with the offset, line and column of the offending token. The same pass collects
the top-level ``&&`` conjuncts that pin the rule to a sku, category, brand, channel or
segment, which is what the rule index is built from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, cast

from commercegraph.services.segment_names import RFM_SEGMENT_NAMES

if TYPE_CHECKING:
    from commercegraph.services.pricing_engine.plan import CheckedCondition

# A type is a name ("int", "string", ...), ("list", T), ("map", K, V) or ("obj", fields).
Type = str | tuple[object, ...]
INT, DOUBLE, STRING, BOOL, TIMESTAMP, NULL, DYN = (
    "int",
    "double",
    "string",
    "bool",
    "timestamp",
    "null",
    "dyn",
)
STRINGS: Type = ("list", STRING)


def obj(**fields: Type) -> Type:
    return ("obj", tuple(sorted(fields.items())))


# What a condition sees; ``context.py`` builds values of exactly this shape.
CONTEXT_TYPES: dict[str, Type] = {
    "customer": obj(
        id=STRING,
        anonymous=BOOL,
        segments=STRINGS,
        rfm_segment=STRING,
        loyalty_tier=STRING,
        group=STRING,
        lifetime_value=INT,
        order_count=INT,
        is_first_order=BOOL,
    ),
    "channel": STRING,
    "fulfillment": STRING,
    "currency": STRING,
    "store": obj(id=STRING, region=STRING),
    "now": obj(timestamp=TIMESTAMP, weekday=INT, hour=INT),
    "line": obj(
        sku=STRING,
        category=STRING,
        brand=STRING,
        tags=STRINGS,
        quantity=INT,
        unit_price=INT,
        floor_price=INT,
        bundle_id=STRING,
    ),
    "cart": obj(
        subtotal=INT,
        item_count=INT,
        skus=STRINGS,
        category_quantities=("map", STRING, INT),
    ),
    "stock": obj(available=INT),
    "demand": obj(views_24h=INT),
}

# Top-level equalities that let the index skip a rule without evaluating it.
INDEXED_PATHS = {
    "line.sku": "sku",
    "line.category": "category",
    "line.brand": "brand",
    "channel": "channel",
    "customer.segments": "segment",
}

# ``customer.rfm_segment`` holds the segment key, spelt as in ``customer.segments`` and
# ``RfmScore.segmentKey``: "rfm:champions".
RFM_PATH, SEGMENTS_PATH = "customer.rfm_segment", "customer.segments"
RFM_KEYS = frozenset(f"rfm:{s}" for s in RFM_SEGMENT_NAMES)


def _did_you_mean(literal: str) -> str:
    plain = literal.removeprefix("rfm:").strip().lower().replace(" ", "-").replace("_", "-")
    key = f"rfm:{plain}"
    if key in RFM_KEYS:
        return f"; segment keys are spelt {key!r}"
    return f"; RFM segment keys are {', '.join(sorted(RFM_KEYS))}"


MAX_CONDITION_LENGTH = 4_000
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<num>\d+\.\d+(?:[eE][+-]?\d+)?|\d+)
    |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>&&|\|\||==|!=|<=|>=|[-+*/%<>!?:.,()\[\]{}])
    |(?P<bad>.)""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}
MACROS = frozenset({"exists", "all", "exists_one", "filter", "map"})


class ConditionError(ValueError):
    """A condition that does not parse or type-check, with where it went wrong."""

    def __init__(self, message: str, source: str, offset: int) -> None:
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        super().__init__(f"{message} (line {line}, column {column})")
        self.offset, self.line, self.column = offset, line, column


class Token(NamedTuple):
    kind: str  # num | str | ident | op | end
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or ""
        if kind == "bad":
            raise ConditionError(f"Unexpected character {match.group()!r}", source, match.start())
        if kind != "ws":
            tokens.append(Token(kind, match.group(), match.start()))
    tokens.append(Token("end", "", len(source)))
    return tokens


def _unquote(text: str) -> str:
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def type_name(t: Type) -> str:
    if isinstance(t, str):
        return t
    if t[0] == "list":
        return f"list({type_name(t[1])})"  # type: ignore[arg-type]
    if t[0] == "map":
        return f"map({type_name(t[1])}, {type_name(t[2])})"  # type: ignore[arg-type]
    return "object"


def _assignable(a: Type, b: Type) -> bool:
    return a == b or DYN in (a, b) or {a, b} <= {INT, DOUBLE}


@dataclass
class _Value:
    type: Type
    path: str | None = None  # dotted path of a context field, for pins
    literal: object = None  # a string or a list of strings, for pins


class _Checker:
    def __init__(self, source: str, tokens: list[Token] | None = None) -> None:
        self.source = source
        self.tokens = tokens if tokens is not None else tokenize(source)
        self.pos = 0
        self.scopes: list[dict[str, Type]] = [dict(CONTEXT_TYPES)]
        self.depth = 0

    # token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def fail(self, message: str, token: Token | None = None) -> ConditionError:
        return ConditionError(message, self.source, (token or self.tok).offset)

    def accept(self, text: str) -> Token | None:
        if self.tok.kind in ("op", "ident") and self.tok.text == text:
            self.pos += 1
            return self.tokens[self.pos - 1]
        return None

    def expect(self, text: str) -> Token:
        found = self.accept(text)
        if found is None:
            got = self.tok.text or "end of condition"
            raise self.fail(f"Expected {text!r} but found {got!r}")
        return found

    # grammar
    def expr(self) -> _Value:
        self.depth += 1
        if self.depth > 64:
            raise self.fail("Condition is nested too deeply")
        start = self.tok
        value = self.or_expr()
        if self.accept("?"):
            self.require(value, BOOL, start, "The condition of `? :`")
            yes_tok = self.tok
            yes = self.expr()
            self.expect(":")
            no = self.expr()
            if not _assignable(yes.type, no.type):
                raise self.fail(
                    f"Both branches of `? :` must have one type, got {type_name(yes.type)} "
                    f"and {type_name(no.type)}",
                    yes_tok,
                )
            value = _Value(yes.type)
        self.depth -= 1
        return value

    def require(self, value: _Value, wanted: Type, token: Token, what: str) -> None:
        if not _assignable(value.type, wanted):
            raise self.fail(
                f"{what} must be {type_name(wanted)}, got {type_name(value.type)}", token
            )

    def or_expr(self) -> _Value:
        start = self.tok
        value = self.and_expr()
        while (op := self.accept("||")) is not None:
            self.require(value, BOOL, start, "The left side of `||`")
            right_tok = self.tok
            self.require(self.and_expr(), BOOL, right_tok, "The right side of `||`")
            value = _Value(BOOL)
            del op
        return value

    def and_expr(self) -> _Value:
        start = self.tok
        value = self.relation()
        while self.accept("&&") is not None:
            self.require(value, BOOL, start, "The left side of `&&`")
            right_tok = self.tok
            self.require(self.relation(), BOOL, right_tok, "The right side of `&&`")
            value = _Value(BOOL)
        return value

    def relation(self) -> _Value:
        start = self.tok
        left = self.addition()
        while self.tok.text in ("==", "!=", "<", "<=", ">", ">=", "in") and self.tok.kind != "str":
            op = self.tok
            self.pos += 1
            right = self.addition()
            self.check_relation(op, left, right, start)
            self.check_segment_literal(op, left, right)
            left = self.relation_value(op, left, right)
        return left

    def check_relation(self, op: Token, left: _Value, right: _Value, start: Token) -> None:
        lt, rt = left.type, right.type
        if op.text == "in":
            if isinstance(rt, tuple) and rt[0] in ("list", "map"):
                if not _assignable(lt, rt[1]):  # type: ignore[arg-type]
                    raise self.fail(f"`in` looks for {type_name(lt)} in {type_name(rt)}", start)
                return
            if rt != DYN:
                raise self.fail(
                    f"The right side of `in` must be a list or map, got {type_name(rt)}", op
                )
            return
        if op.text in ("==", "!="):
            if not (_assignable(lt, rt) or NULL in (lt, rt)):
                raise self.fail(f"Cannot compare {type_name(lt)} with {type_name(rt)}", op)
            return
        if not _assignable(lt, rt) or lt not in (INT, DOUBLE, STRING, TIMESTAMP, DYN):
            raise self.fail(f"Cannot order {type_name(lt)} and {type_name(rt)} with {op.text}", op)

    def check_segment_literal(self, op: Token, left: _Value, right: _Value) -> None:
        """A literal compared with the RFM segment, or looked for among the segment keys as
        an ``rfm:`` key, must name a segment that exists: a misspelt one would never match."""
        if op.text in ("==", "!=", "in"):
            if left.path == RFM_PATH or right.path == RFM_PATH:
                other = right if left.path == RFM_PATH else left
                literals = other.literal if isinstance(other.literal, list) else [other.literal]
            elif op.text == "in" and right.path == SEGMENTS_PATH:
                literals = [left.literal] if str(left.literal).startswith("rfm:") else []
            else:
                return
            for lit in literals:
                if isinstance(lit, str) and lit not in RFM_KEYS:
                    raise self.fail(f"No segment {lit!r}{_did_you_mean(lit)}", op)

    def relation_value(self, op: Token, left: _Value, right: _Value) -> _Value:
        # Keep what a pin needs: `path == "x"`, `"x" == path`, `path in [...]`, `"x" in path`.
        if op.text == "==":
            path, lit = (left.path, right.literal) if left.path else (right.path, left.literal)
            if path and isinstance(lit, str):
                return _Value(BOOL, path=path, literal=frozenset({lit}))
        if op.text == "in":
            if left.path and isinstance(right.literal, list):
                return _Value(BOOL, path=left.path, literal=frozenset(right.literal))
            if right.path and isinstance(left.literal, str):
                return _Value(BOOL, path=right.path, literal=frozenset({left.literal}))
        return _Value(BOOL)

    def addition(self) -> _Value:
        left = self.multiplication()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.tok
            self.pos += 1
            right = self.multiplication()
            left = _Value(self.arithmetic(op, left.type, right.type))
        return left

    def multiplication(self) -> _Value:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            op = self.tok
            self.pos += 1
            right = self.unary()
            left = _Value(self.arithmetic(op, left.type, right.type))
        return left

    def arithmetic(self, op: Token, lt: Type, rt: Type) -> Type:
        if DYN in (lt, rt):
            return DYN
        if lt == rt and lt in (INT, DOUBLE):
            return lt
        if (
            op.text == "+"
            and lt == rt
            and (lt == STRING or (isinstance(lt, tuple) and lt[0] == "list"))
        ):
            return lt
        hint = (
            " (CEL does not mix int and double: use double(x))" if {lt, rt} == {INT, DOUBLE} else ""
        )
        raise self.fail(
            f"`{op.text}` is not defined for {type_name(lt)} and {type_name(rt)}{hint}", op
        )

    def unary(self) -> _Value:
        op = self.tok
        if self.accept("!"):
            self.require(self.unary(), BOOL, self.tokens[self.pos - 1], "The operand of `!`")
            return _Value(BOOL)
        if self.accept("-"):
            value = self.unary()
            if value.type not in (INT, DOUBLE, DYN):
                raise self.fail(f"Cannot negate {type_name(value.type)}", op)
            return _Value(value.type)
        return self.member()

    def member(self) -> _Value:
        value = self.primary()
        while True:
            if self.accept("."):
                name = self.tok
                if name.kind != "ident":
                    raise self.fail("Expected a field or method name after `.`")
                self.pos += 1
                if self.tok.text == "(":
                    value = self.method(value, name)
                else:
                    value = self.field_of(value, name)
            elif (bracket := self.accept("[")) is not None:
                index = self.expr()
                self.expect("]")
                value = self.index(value, index, bracket)
            else:
                return value

    def field_of(self, value: _Value, name: Token) -> _Value:
        t = value.type
        if isinstance(t, tuple) and t[0] == "obj":
            fields: dict[str, Type] = dict(cast(tuple[tuple[str, Type], ...], t[1]))
            if name.text not in fields:
                known = ", ".join(sorted(fields))
                raise self.fail(f"Unknown field {value.path}.{name.text} (known: {known})", name)
            path = f"{value.path}.{name.text}" if value.path else None
            return _Value(fields[name.text], path=path)
        if isinstance(t, tuple) and t[0] == "map":
            return _Value(t[2])  # type: ignore[arg-type]
        if t == DYN:
            return _Value(DYN)
        raise self.fail(f"{type_name(t)} has no field {name.text!r}", name)

    def index(self, value: _Value, index: _Value, bracket: Token) -> _Value:
        t = value.type
        if isinstance(t, tuple) and t[0] == "list":
            if not _assignable(index.type, INT):
                raise self.fail("A list index must be int", bracket)
            return _Value(t[1])  # type: ignore[arg-type]
        if isinstance(t, tuple) and t[0] == "map":
            if not _assignable(index.type, t[1]):  # type: ignore[arg-type]
                raise self.fail(f"This map's keys are {type_name(t[1])}", bracket)  # type: ignore[arg-type]
            return _Value(t[2])  # type: ignore[arg-type]
        if t == DYN:
            return _Value(DYN)
        raise self.fail(f"Cannot index {type_name(t)}", bracket)

    def arguments(self) -> list[tuple[Token, _Value]]:
        self.expect("(")
        args: list[tuple[Token, _Value]] = []
        if not self.accept(")"):
            while True:
                args.append((self.tok, self.expr()))
                if self.accept(")"):
                    break
                self.expect(",")
        return args

    def method(self, target: _Value, name: Token) -> _Value:
        t = target.type
        if name.text in MACROS:
            if not (isinstance(t, tuple) and t[0] in ("list", "map")) and t != DYN:
                raise self.fail(f"{name.text}() needs a list or map, got {type_name(t)}", name)
            return self.macro(name, t)
        args = self.arguments()
        if name.text in ("startsWith", "endsWith", "contains", "matches"):
            if t not in (STRING, DYN) or len(args) != 1:
                raise self.fail(f"{name.text}() is a string method taking one string", name)
            self.require(args[0][1], STRING, args[0][0], f"The argument of {name.text}()")
            return _Value(BOOL)
        if name.text == "size" and not args:
            return self.size_of(target, name)
        raise self.fail(f"Unknown method {name.text}() on {type_name(t)}", name)

    def macro(self, name: Token, collection: Type) -> _Value:
        self.expect("(")
        var = self.tok
        if var.kind != "ident" or var.text in self.scopes[0]:
            raise self.fail(f"{name.text}() needs a fresh variable name first", var)
        self.pos += 1
        self.expect(",")
        element = collection[1] if isinstance(collection, tuple) else DYN
        self.scopes.append({var.text: element})  # type: ignore[dict-item]
        body_tok = self.tok
        body = self.expr()
        self.scopes.pop()
        self.expect(")")
        if name.text == "map":
            return _Value(("list", body.type))
        self.require(body, BOOL, body_tok, f"The predicate of {name.text}()")
        return _Value(collection if name.text == "filter" else BOOL)

    def size_of(self, value: _Value, token: Token) -> _Value:
        t = value.type
        if t in (STRING, DYN) or (isinstance(t, tuple) and t[0] in ("list", "map")):
            return _Value(INT)
        raise self.fail(f"size() needs a string, list or map, got {type_name(t)}", token)

    def call(self, name: Token) -> _Value:
        args = self.arguments()
        fn = name.text
        if fn == "size" and len(args) == 1:
            return self.size_of(args[0][1], args[0][0])
        conversions = {"int": INT, "double": DOUBLE, "string": STRING}
        if fn in conversions and len(args) == 1:
            return _Value(conversions[fn])
        if fn == "timestamp" and len(args) == 1:
            self.require(args[0][1], STRING, args[0][0], "The argument of timestamp()")
            return _Value(TIMESTAMP)
        raise self.fail(f"Unknown function {fn}()", name)

    def primary(self) -> _Value:
        tok = self.tok
        self.pos += 1
        if tok.kind == "num":
            return _Value(DOUBLE if "." in tok.text else INT)
        if tok.kind == "str":
            return _Value(STRING, literal=_unquote(tok.text))
        if tok.kind == "ident":
            if tok.text in ("true", "false"):
                return _Value(BOOL)
            if tok.text == "null":
                return _Value(NULL)
            if self.tok.text == "(":
                return self.call(tok)
            for scope in reversed(self.scopes):
                if tok.text in scope:
                    return _Value(scope[tok.text], path=tok.text if len(self.scopes) == 1 else None)
            known = ", ".join(sorted(CONTEXT_TYPES))
            raise self.fail(f"Unknown variable {tok.text!r} (known: {known})", tok)
        if tok.text == "(":
            value = self.expr()
            self.expect(")")
            return _Value(value.type)
        if tok.text == "[":
            return self.list_literal()
        if tok.text == "{":
            raise self.fail("Map literals are not supported in conditions", tok)
        self.pos -= 1
        got = tok.text or "end of condition"
        raise self.fail(f"Expected a value but found {got!r}")

    def list_literal(self) -> _Value:
        items: list[_Value] = []
        if not self.accept("]"):
            while True:
                items.append(self.expr())
                if self.accept("]"):
                    break
                self.expect(",")
        types = {type_name(i.type) for i in items}
        if len(types) > 1:
            raise self.fail(f"A list holds one type, got {', '.join(sorted(types))}")
        element = items[0].type if items else DYN
        literal = [i.literal for i in items]
        strings = literal if all(isinstance(x, str) for x in literal) else None
        return _Value(("list", element), literal=strings)


def check_condition(source: str) -> CheckedCondition:
    """Parse and type-check ``source``; raise ``ConditionError`` with its position."""
    from commercegraph.services.pricing_engine.plan import plan_condition

    if not source.strip():
        raise ConditionError(
            "A condition must not be empty (use `true` to match always)", source, 0
        )
    if len(source) > MAX_CONDITION_LENGTH:
        raise ConditionError(
            f"A condition is at most {MAX_CONDITION_LENGTH} characters",
            source,
            MAX_CONDITION_LENGTH,
        )
    tokens = tokenize(source)
    checker = _Checker(source, tokens)
    value = checker.expr()
    if checker.tok.kind != "end":
        raise checker.fail(f"Unexpected {checker.tok.text!r} after the end of the condition")
    if not _assignable(value.type, BOOL):
        raise ConditionError(f"A condition must be bool, got {type_name(value.type)}", source, 0)
    return plan_condition(source, tokens)


def check_part(source: str, tokens: list[Token]) -> _Value:
    """Type a sub-expression already known to check as part of a whole condition."""
    checker = _Checker(source, tokens)
    value = checker.expr()
    return value if checker.tok.kind == "end" else _Value(DYN)
