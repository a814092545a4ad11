"""Statements run straight on the database driver, for the public registration form's hot path.

Through SQLAlchemy's Connection a small statement costs several times what SQLite spends on it
(parameters, execution context, result objects). Here SQLAlchemy still compiles each statement,
once per dialect, and still converts every value with the column type's own bind processor (JSON,
timestamps), so the rows are exactly those the ORM writes; only the per-call work is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Table, bindparam
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # parameter names in order, for positional drivers (sqlite3)
    processors: dict  # name -> the type's bind processor (None: the value goes as it is)
    fixed: dict  # values compiled into the statement (literals such as registrations=1)


class Statement:
    """One statement, built lazily and compiled for each dialect it meets."""

    def __init__(self, build: Callable):
        self._build = build
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect) -> _Compiled:
        key = f"{dialect.name}+{dialect.driver}"
        found = self._compiled.get(key)
        if found is None:
            compiled = self._build().compile(dialect=dialect)
            processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                          for name, bind in compiled.binds.items()}
            fixed = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
            order = tuple(compiled.positiontup) if compiled.positional else None
            found = self._compiled[key] = _Compiled(compiled.string, order, processors, fixed)
        return found

    def run(self, connection, params: Mapping):
        """Execute on a SQLAlchemy Connection's driver connection (inside its transaction);
        returns the driver's cursor."""
        return self.on(connection.dialect, connection.connection, params)

    def on(self, dialect, dbapi_connection, params: Mapping):
        """Execute on a driver connection (a pooled one from engine.raw_connection(), say)."""
        c = self.compiled(dialect)
        values = {**c.fixed, **params}
        processors = c.processors
        converted = {name: (p(values[name]) if (p := processors[name]) is not None else values[name])
                     for name in processors}
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(c.sql, tuple(converted[name] for name in c.order) if c.order is not None else converted)
        except dialect.loaded_dbapi.Error as exc:
            # SQLAlchemy's own exception (IntegrityError, OperationalError...) as callers expect,
            # without the values: they are a resident's answers
            cursor.close()
            raise DBAPIError.instance(c.sql, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True,
                                      dialect=dialect) from exc
        return cursor


class Insert(Statement):
    """INSERT of the given columns plus every column with a Python-side default (computed at each
    run, as SQLAlchemy would); run() returns the new row's id."""

    def __init__(self, table: Table, columns: tuple[str, ...]):
        self._columns = columns
        self._defaults = {c.key: c.default for c in table.columns
                          if c.key not in columns and c.default is not None and not c.primary_key}
        if any(not (d.is_callable or d.is_scalar) for d in self._defaults.values()):
            raise TypeError(f"{table.name}: a SQL-side default belongs in server_default")
        names = (*columns, *self._defaults)
        super().__init__(lambda: table.insert().values({n: bindparam(n, type_=table.c[n].type) for n in names})
                         .returning(table.c.id))

    def run(self, connection, params: Mapping) -> int:
        defaults = {name: (d.arg(None) if d.is_callable else d.arg) for name, d in self._defaults.items()}
        cursor = super().run(connection, {**defaults, **params})
        row = cursor.fetchone()
        cursor.close()
        return row[0]
