"""The JSON wire format of canonical records, shared by the REST adapter and backends.

Records travel as JSON objects named like their dataclass fields; datetimes as ISO 8601
with offset; durations as seconds; tuples as arrays. Decoding is driven by the port's type
hints, so a record or port method added later needs no codec change.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

JSON = Any
# I-JSON (RFC 7493) integers: exact in every JSON parser, and room left for a backend's
# own arithmetic (limit + 1, sums) without overflowing a 64-bit column.
SAFE_INT_MAX = 2**53 - 1


class WireFormatError(ValueError):
    """A payload that does not match the type it should decode to."""


def encode(value: Any) -> JSON:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__} for the wire")


@cache
def _fields(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def decode(tp: Any, data: JSON) -> Any:
    """``data`` (decoded JSON) as an instance of the type ``tp``."""
    try:
        decoder = _decoder(tp, ())
    except TypeError:  # an unhashable type expression: read its hints on every call
        return _decode(tp, data, {})
    return decoder(data)


Decoder = typing.Callable[[JSON], Any]


@cache
def _decoder(tp: Any, bindings: tuple[tuple[Any, Any], ...]) -> Decoder:
    """A function that decodes ``tp``, built once per type: the type hints are read here,
    not for every field of every record. It checks what ``_decode`` checks, in its order."""
    if isinstance(tp, TypeVar):
        tp = dict(bindings).get(tp, Any)
    if tp is Any or tp is object:
        return _same
    origin = get_origin(tp)
    args = get_args(tp)
    if tp is type(None) or origin is Union or origin is types.UnionType or origin is typing.Literal:
        return lambda data: _decode(tp, data, dict(bindings))  # rare on the wire: as it was
    cls = origin or tp
    if dataclasses.is_dataclass(cls) and isinstance(cls, type):
        params = getattr(cls, "__parameters__", ())
        scoped = (
            tuple({**dict(bindings), **dict(zip(params, args, strict=False))}.items())
            if args
            else bindings
        )
        hints = _fields(cls)
        declared = dataclasses.fields(cls)
        fields = [(f.name, _field_decoder(hints[f.name], scoped)) for f in declared]

        def record(data: JSON) -> Any:
            if data is None:
                raise WireFormatError(f"null where {tp} is required")
            _expect(data, dict, tp)
            values = {name: field(data[name]) for name, field in fields if name in data}
            try:
                return cls(**values)
            except TypeError as exc:
                raise WireFormatError(f"{cls.__name__}: {exc}") from None

        if all(f.init and not f.kw_only for f in declared):
            return _positional(cls, [(n, hints[n], field) for n, field in fields], record)
        return record
    if origin in (list, Sequence, set, frozenset) or tp in (list, Sequence):
        item = _field_decoder(args[0] if args else Any, bindings)

        def items(data: JSON) -> Any:
            if data is None:
                raise WireFormatError(f"null where {tp} is required")
            _expect(data, list, tp)
            return [item(v) for v in data]

        return items
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        member = _field_decoder(args[0], bindings)

        def members(data: JSON) -> Any:
            if data is None:
                raise WireFormatError(f"null where {tp} is required")
            _expect(data, list, tp)
            return tuple(member(v) for v in data)

        return members
    return lambda data: _decode(tp, data, dict(bindings))


PLAIN = (str, int, bool, float)  # JSON's own types: a value of the right type is kept as is


def _positional(cls: type, fields: list[tuple[str, Any, Decoder]], checked: Decoder) -> Decoder:
    """A record's decoder for the usual answer, a JSON object with every field: generated
    once per record type, it reads each field, keeps a value JSON already decoded to the
    field's plain type (in range, for integers) and passes any other to the field's decoder,
    then calls the class positionally. Anything else (a missing field, not an object) goes
    to ``checked``, the general decoder, so answers and errors are the same."""
    scope: dict[str, Any] = {"cls": cls, "checked": checked, "MAX": SAFE_INT_MAX}
    lines = ["def record(data):", "    if type(data) is not dict:", "        return checked(data)"]
    lines.append("    try:")
    for i, (name, hint, field) in enumerate(fields):
        scope[f"f{i}"] = field
        lines.append(f"        v{i} = data[{name!r}]")
        options = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
        plain = [t for t in options if t is not type(None)]
        if len(plain) != 1 or plain[0] not in PLAIN:
            lines.append(f"        v{i} = f{i}(v{i})")
            continue
        wrong = f"type(v{i}) is not {plain[0].__name__}"
        if plain[0] is int:
            wrong = f"({wrong} or not -MAX <= v{i} <= MAX)"
        if type(None) in options:
            wrong = f"v{i} is not None and {wrong}"
        lines.append(f"        if {wrong}:")
        lines.append(f"            v{i} = f{i}(v{i})")
    lines += ["    except KeyError:", "        return checked(data)"]
    lines.append(f"    return cls({', '.join(f'v{i}' for i in range(len(fields)))})")
    exec("\n".join(lines), scope)  # the source holds field names and indices only
    decoder: Decoder = scope["record"]
    return decoder


def _field_decoder(tp: Any, bindings: tuple[tuple[Any, Any], ...]) -> Decoder:
    """The decoder of a record's field or a list's item: optional values and scalars too."""
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = get_args(tp)
        inner = _field_decoder(next(a for a in args if a is not type(None)), bindings)
        if type(None) not in args:
            return lambda data: _decode(tp, data, dict(bindings))
        return lambda data: None if data is None else inner(data)
    if tp in (str, int, bool, float, datetime, date, timedelta):
        return _scalar_decoder(tp)
    return _decoder(tp, bindings)


@cache
def _scalar_decoder(tp: Any) -> Decoder:
    if tp is str:

        def text(data: JSON) -> Any:
            if type(data) is str:
                return data
            if data is None:
                raise WireFormatError(f"null where {tp} is required")
            return _scalar(tp, data)

        return text

    if tp in (int, bool, float):
        # the value as JSON decoded it, when that is already right; else the checks below
        exact: Any = tp
        bounded = tp is int

        def plain(data: JSON) -> Any:
            if type(data) is exact and (not bounded or -SAFE_INT_MAX <= data <= SAFE_INT_MAX):
                return data
            if data is None:
                raise WireFormatError(f"null where {tp} is required")
            return _scalar(tp, data)

        return plain

    def scalar(data: JSON) -> Any:
        if data is None:
            raise WireFormatError(f"null where {tp} is required")
        return _scalar(tp, data)

    return scalar


def _same(data: JSON) -> Any:
    return data


def _decode(tp: Any, data: JSON, bindings: dict[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        tp = bindings.get(tp, Any)
    if tp is Any or tp is object:
        return data
    if tp is type(None):
        if data is not None:
            raise WireFormatError(f"{data!r} where null is expected")
        return None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is Union or origin is types.UnionType:
        if data is None:
            if type(None) in args:
                return None
            raise WireFormatError(f"null where {tp} is required")
        options = [a for a in args if a is not type(None)]
        return _decode(options[0], data, bindings)
    if origin is typing.Literal:
        if data not in args:
            raise WireFormatError(f"{data!r} is not one of {args}")
        return data
    if data is None:
        raise WireFormatError(f"null where {tp} is required")
    if origin in (list, Sequence, set, frozenset) or tp in (list, Sequence):
        _expect(data, list, tp)
        item = args[0] if args else Any
        return [_decode(item, v, bindings) for v in data]
    if origin is tuple:
        _expect(data, list, tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, bindings) for v in data)
        if len(args) != len(data):
            raise WireFormatError(f"{tp} needs {len(args)} items, got {len(data)}")
        return tuple(_decode(a, v, bindings) for a, v in zip(args, data, strict=True))
    if origin is dict or tp is dict:
        _expect(data, dict, tp)
        value_type = args[1] if args else Any
        return {k: _decode(value_type, v, bindings) for k, v in data.items()}
    cls = origin or tp
    if dataclasses.is_dataclass(cls) and isinstance(cls, type):
        _expect(data, dict, tp)
        params = getattr(cls, "__parameters__", ())
        scoped = {**bindings, **dict(zip(params, args, strict=False))} if args else bindings
        hints = _fields(cls)
        values = {
            f.name: _decode(hints[f.name], data[f.name], scoped)
            for f in dataclasses.fields(cls)
            if f.name in data
        }
        try:
            return cls(**values)
        except TypeError as exc:
            raise WireFormatError(f"{cls.__name__}: {exc}") from None
    return _scalar(tp, data)


def _scalar(tp: Any, data: JSON) -> Any:
    try:
        return _checked_scalar(tp, data)
    except (ValueError, OverflowError) as exc:  # what the constructors say of bad values
        raise WireFormatError(f"{data!r} is not a {getattr(tp, '__name__', tp)}: {exc}") from None


def _checked_scalar(tp: Any, data: JSON) -> Any:
    if tp is datetime:
        _expect(data, str, tp)
        moment = datetime.fromisoformat(data)
        if moment.tzinfo is None:
            raise WireFormatError(f"{data!r} has no UTC offset")
        return moment
    if tp is date:
        _expect(data, str, tp)
        return date.fromisoformat(data)
    if tp is timedelta:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise WireFormatError(f"{data!r} is not a number of seconds")
        return timedelta(seconds=data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if tp is int and type(data) is float and data.is_integer():  # JSON's 3.0 is an integer
        data = int(data)
    if tp is int and type(data) is int and not -SAFE_INT_MAX <= data <= SAFE_INT_MAX:
        raise WireFormatError(f"{data} is outside the interoperable integer range (2**53)")
    if tp in (str, int, bool) and type(data) is tp:
        return data
    raise WireFormatError(f"{data!r} is not a {getattr(tp, '__name__', tp)}")


def _expect(data: JSON, kind: type, tp: Any) -> None:
    if not isinstance(data, kind):
        raise WireFormatError(f"expected {kind.__name__} for {tp}, got {type(data).__name__}")
