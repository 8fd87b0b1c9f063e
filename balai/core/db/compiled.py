"""Querysets compiled once per process and run again with new values: for the few queries
every page of a busy list makes.

Building and compiling a queryset costs Django ~0.3-0.5 ms of CPU, more than SQLite spends
answering an indexed look-up, and the resident list made five on every page. A
`CompiledQuery` builds its queryset once per shape (which optional filters are present) with
marker values in place of the arguments, keeps the SQL and the positions the markers landed
in, then runs that SQL with the arguments put in their place. The SQL is the ORM's own, so
the query plan is the same; arguments are converted as the ORM converts them, and the rows
come back as `values_list()` gives them, through the same converters.

Arguments may be int, str, date, aware datetime or None (a None argument must change the shape, since the
builder cannot filter on it). A builder that transforms an argument (a LIKE pattern, a
computed date) is refused when compiled, because its marker is not found among the parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models import QuerySet

# Markers stay inside every integer field's range (Django answers an out-of-range lookup on a
# small integer column with no SQL at all). Two sets, compiled both ways: a constant of the
# query that happens to equal a marker stays put in one of them and is not taken for an argument.
_INT_MARKS = (30_011, 31_013)
_DATE_MARKS = (dt.date(1111, 1, 1), dt.date(1222, 2, 2))
_TIME_MARKS = (dt.datetime(1111, 1, 1, tzinfo=dt.UTC), dt.datetime(1222, 2, 2, tzinfo=dt.UTC))


def _marker(round_: int, position: int, value: Any) -> Any:
    if value is None:
        return None
    if type(value) is int:
        return _INT_MARKS[round_] + position
    if type(value) is str:
        return f"\x00balai-arg-{round_}-{position}\x00"
    if type(value) is dt.date:
        return _DATE_MARKS[round_] + dt.timedelta(days=position)
    if type(value) is dt.datetime:
        return _TIME_MARKS[round_] + dt.timedelta(days=position)
    raise TypeError(f"CompiledQuery: unsupported argument type {type(value).__name__}")


def _adapt(connection: Any, value: Any) -> Any:
    """An argument as the ORM hands it to the driver (dates are text on SQLite)."""
    if type(value) is dt.date:
        return connection.ops.adapt_datefield_value(value)
    if type(value) is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per parameter: the argument's position, or None for a constant of the queryset.
    slots: tuple[int | None, ...]
    constants: tuple[Any, ...]
    # (column, converters, expression) as the compiler would apply them.
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class CompiledQuery:
    """`build(shape, *args)` returns a `values_list()` queryset of `model`;
    `rows(*args, shape=...)` runs its SQL. `shape` (hashable) is handed to `build` as it is
    and must tell apart every queryset `build` can make: which arguments are None, the
    LIMIT, the columns."""

    def __init__(self, model: type[models.Model], build: Callable[..., QuerySet[Any]]) -> None:
        self.model, self.build = model, build
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}

    def rows(self, *args: Any, shape: Hashable = ()) -> list[tuple[Any, ...]]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        key = (alias, shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(alias, shape, args)
            self._compiled[key] = compiled
        params = [
            const if slot is None else _adapt(connection, args[slot])
            for slot, const in zip(compiled.slots, compiled.constants, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Any] = cursor.fetchall()
        if not compiled.converters:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for pos, convs, expression in compiled.converters:
                value = values[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                values[pos] = value
            out.append(tuple(values))
        return out

    def _compile(self, alias: str, shape: Hashable, args: tuple[Any, ...]) -> _Compiled:
        (sql, slots0, params0), compiler = self._slots(alias, shape, args, 0)
        (sql1, slots1, params1), _compiler = self._slots(alias, shape, args, 1)
        if sql != sql1 or len(params0) != len(params1):
            raise ValueError("CompiledQuery: the SQL depends on the argument values; put them in the shape.")
        slots: list[int | None] = []
        constants: list[Any] = []
        for s0, s1, p0, p1 in zip(slots0, slots1, params0, params1, strict=True):
            if s0 is not None and s0 == s1:
                slots.append(s0)
                constants.append(None)
            elif s0 is None and s1 is None and p0 == p1:
                slots.append(None)
                constants.append(p0)
            elif s0 is None and s1 is None:
                raise ValueError("CompiledQuery: a parameter depends on the argument values.")
            else:
                # A constant that equals one round's marker: the other round shows it as it is.
                slots.append(None)
                constants.append(p0 if s0 is None else p1)
        missing = {i for i, a in enumerate(args) if a is not None} - set(slots)
        if missing:
            raise ValueError(
                f"CompiledQuery: argument(s) {sorted(missing)} do not reach the SQL unchanged; "
                "build the queryset from them directly or leave the query to the ORM."
            )
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        converters = tuple(
            (pos, tuple(convs), expression)
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        )
        return _Compiled(sql, tuple(slots), tuple(constants), converters)

    def _slots(
        self, alias: str, shape: Hashable, args: tuple[Any, ...], round_: int
    ) -> tuple[tuple[str, tuple[int | None, ...], tuple[Any, ...]], Any]:
        """The SQL, each parameter's argument position (None: a constant) and the parameters."""
        connection = connections[alias]
        markers = [_marker(round_, i, value) for i, value in enumerate(args)]
        compiler = self.build(shape, *markers).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        wanted = {_adapt(connection, m): i for i, m in enumerate(markers) if m is not None}
        slots = tuple(wanted.get(p) if isinstance(p, Hashable) else None for p in params)
        return (sql, slots, tuple(params)), compiler
