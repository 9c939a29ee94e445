"""Core statements compiled once per dialect and run on the session's own DBAPI cursor.

Why: Connection.execute() spends some 30 µs a statement on per-call bookkeeping (cache key, execution
context, result metadata), more than SQLite needs to run it. The ledger's write path runs three statements
per credit and bench/ledger.py holds it to 35 % of plain sqlite3. SQLAlchemy still builds the SQL (one
source of truth for both dialects) and owns the transaction; values go through each column type's own bind
processor, so a datetime is stored exactly as the ORM stores it and reads back the same.

What is given up, on these statements only: cursor-level engine events (SQL echo) and SQLAlchemy's
wrapping of driver exceptions. The write still fails whole: the caller's write_session rolls back.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters in the order a positional paramstyle needs them
    positional: bool
    processors: dict[str, Callable[[Any], Any]]


class DriverStatement:
    """One statement with bindparam() placeholders; rows(connection, {name: value}) runs it.

    `statement` is a Core statement, or a function of the dialect for constructs such as ON CONFLICT that
    each dialect builds with its own insert().
    """

    def __init__(self, statement) -> None:
        self._build = statement if callable(statement) else (lambda _dialect: statement)
        self._compiled: dict[str, _Compiled] = {}

    def rows(self, connection: Connection, params: dict[str, Any]) -> Sequence[Any]:
        """Run in `connection`'s transaction; the rows it returns, [] for a statement that returns none."""
        compiled = self._compiled.get(connection.dialect.name) or self._compile(connection.dialect)
        values = {name: params[name] for name in compiled.names}
        for name, process in compiled.processors.items():
            values[name] = process(values[name])
        arguments = tuple(values[name] for name in compiled.names) if compiled.positional else values
        cursor = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, arguments)
            return cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self._build(dialect).compile(dialect=dialect)
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        processors = {}
        for name in names:
            process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        self._compiled[dialect.name] = _Compiled(str(compiled), names, compiled.positional, processors)
        return self._compiled[dialect.name]
