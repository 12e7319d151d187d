"""Hot reads compiled once per database, their rows handed over as the driver's tuples.

``connection.execute(select)`` pays on every call for what a hot read does not change: the
statement's cache key (a walk of the whole statement), the expansion of each ``IN`` list
into one placeholder an item, and a ``Row`` for every row (about 3.5 us a product of the
stock rows, on top of SQLite's own 7.5 us). A ``PlainRead`` keeps the compiled statement,
and its text for each length of its lists; a call only lines the values up, and runs the
text through ``exec_driver_sql``, so the statement events (and the database spans) are as
before. The columns' result processors (UTC datetimes, JSON on SQLite) still apply, to the
columns that have one, and only to the values they change: a column whose processor
turns None into None (the UTC datetimes, JSON) skips its NULLs, and a value whose result is
immutable (a datetime, text, a number) is processed once a read however many rows repeat it.
A product page reads a price row's validity bounds and a product's timestamps, mostly NULL
or shared, some nine values a product; JSON's results (lists, dicts) are still built for
each row, as a caller may change them, unless the read names the column as one its caller
copies (a product's tags).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.sqltypes import TupleType

TEXTS_KEPT = 256  # texts per statement, one per combination of list lengths: bounded

Processor = Callable[[Any], Any]
# results that may be handed to every row holding the same value: no caller can change them
# raw values equal only to values of their own class that a processor treats alike (not a
# datetime: equal instants in two zones are equal keys)
_KEYED = frozenset({str, bytes, int})
_SHAREABLE = frozenset({type(None), str, int, float, bool, bytes, datetime, date, time, Decimal})
VALUE, LIST, TUPLES = range(3)
# a run of placeholders: one value (with its bind processor), a whole list, or a list of
# tuples flattened
_Segment = tuple[str, int, Processor | None]


class _Compiled:
    """A statement compiled for one dialect."""

    def __init__(
        self, statement: Select[*tuple[Any, ...]], dialect: Dialect, shared: frozenset[str]
    ) -> None:
        self.shared = shared
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler) or not compiled.positional:
            raise TypeError("a plain read needs a dialect with positional parameters")
        self.compiled = compiled
        self.statement = statement
        self.dialect = dialect
        binds = compiled.binds
        self.lists = [name for name, bind in binds.items() if bind.expanding]
        self.defaults: dict[str, Any] = {
            name: bind.effective_value for name, bind in binds.items() if not bind.expanding
        }
        for name in self.lists:
            processors = compiled._bind_processors.get(name)
            if processors is not None and any(
                p is not None
                for p in (processors if isinstance(processors, tuple) else [processors])
            ):
                raise TypeError(f"a plain read's list {name!r} takes no bind processor")
        self.texts: dict[tuple[int, ...], tuple[str, tuple[_Segment, ...]]] = {}
        self.results: list[tuple[int, Processor, bool, bool]] | None = None

    def bind(self, params: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
        shape = tuple(len(params[name]) for name in self.lists)
        found = self.texts.get(shape)
        if found is None:
            found = self._text(params, shape)
        text, segments = found
        values: list[Any] = []
        for name, kind, processor in segments:
            value = params[name] if name in params else self.defaults[name]
            if kind == VALUE:
                values.append(value if processor is None else processor(value))
            elif kind == LIST:
                values.extend(value)
            else:
                for item in value:
                    values.extend(item)
        return text, tuple(values)

    def _text(
        self, params: Mapping[str, Any], shape: tuple[int, ...]
    ) -> tuple[str, tuple[_Segment, ...]]:
        expanded = self.compiled.construct_expanded_state({**self.defaults, **params})
        source = {
            item: name for name, items in expanded.parameter_expansion.items() for item in items
        }
        segments: list[_Segment] = []
        previous: str | None = None
        for key in expanded.positiontup or ():
            name = source.get(key)
            if name is None:
                segments.append((key, VALUE, self.compiled._bind_processors.get(key)))  # type: ignore[arg-type]
            elif name != previous:
                kind = TUPLES if isinstance(self.compiled.binds[name].type, TupleType) else LIST
                segments.append((name, kind, None))
            previous = name
        if len(self.texts) >= TEXTS_KEPT:
            self.texts.clear()
        found = self.texts[shape] = (expanded.statement, tuple(segments))
        return found

    def rows(self, result: CursorResult[Any]) -> list[Any]:
        cursor = result.cursor
        try:
            if self.results is None:
                self.results = self._processors(cursor.description)
            rows: list[Any] = list(cursor.fetchall())
        finally:
            result.close()
        results = self.results
        if results:
            done: list[dict[Any, Any]] = [{} for _ in results]  # a value's result, shared
            for n, row in enumerate(rows):
                values: list[Any] | None = None
                for (i, processor, skips_none, shared), known in zip(results, done, strict=True):
                    value = row[i]
                    if value is None and skips_none:
                        continue
                    keyed = value.__class__ in _KEYED
                    found = known.get(value, _MISS) if keyed else _MISS
                    if found is _MISS:
                        found = processor(value)
                        if keyed and (shared or found.__class__ in _SHAREABLE):
                            known[value] = found
                    if found is not value:
                        if values is None:
                            values = list(row)
                        values[i] = found
                if values is not None:
                    rows[n] = tuple(values)
                elif row.__class__ is not tuple:  # a driver's record: tuples, as ever
                    rows[n] = tuple(row)
        return rows

    def _processors(self, description: Sequence[Any]) -> list[tuple[int, Processor, bool, bool]]:
        found: list[tuple[int, Processor, bool, bool]] = []
        for i, (column, described) in enumerate(
            zip(self.statement.selected_columns, description, strict=True)
        ):
            processor = column.type._cached_result_processor(self.dialect, described[1])
            if processor is not None:
                shared = getattr(column, "name", None) in self.shared
                found.append((i, processor, _keeps_none(processor), shared))
        return found


class PlainRead:
    """A hot read's ``select``, run by ``Store.plain``: rows as tuples, in column order.

    Its lists are ``bindparam(name, expanding=True)`` of plain values or of tuples (for a
    ``tuple_(...).in_``), with no bind processor; other parameters may have one. ``shared``
    names columns whose results (JSON's lists and dicts) the caller copies before anyone
    could change them: rows of a read holding the same value may then share one result."""

    def __init__(self, statement: Select[*tuple[Any, ...]], shared: Collection[str] = ()) -> None:
        self.statement = statement
        self.shared = frozenset(shared)
        self._by_dialect: dict[tuple[str, str], _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = _Compiled(self.statement, dialect, self.shared)
        return found


_MISS = object()


def _keeps_none(processor: Processor) -> bool:
    """Whether the processor turns a NULL into None, so that NULLs may skip it."""
    try:
        return processor(None) is None
    except Exception:  # a processor that takes no NULL: it sees each value, as before
        return False
