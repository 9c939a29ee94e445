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
    results: tuple[Callable[[Any], Any] | None, ...] = ()  # per selected column, for typed statements


class DriverStatement:
    """One statement with bindparam() placeholders; rows(connection, {name: value}) runs it.

    `statement` is a Core statement, or a function of the dialect for constructs such as ON CONFLICT that
    each dialect builds with its own insert(). A `typed` SELECT also runs each column type's result processor
    (SQLite's booleans and datetimes come back as Python's), for rows that become model objects.
    """

    def __init__(self, statement, *, typed: bool = False) -> None:
        self._build = statement if callable(statement) else (lambda _dialect: statement)
        self._typed = typed
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
            rows = cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
        if compiled.results:
            return [tuple(value if process is None else process(value)
                          for process, value in zip(compiled.results, row, strict=True)) for row in rows]
        return rows

    def sql(self, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
        """The SQL text and its parameters' names in order: bench/ledger.py's plain-driver side runs the very
        statements the domain runs."""
        compiled = self._compiled.get(dialect.name) or self._compile(dialect)
        return compiled.sql, compiled.names

    def _compile(self, dialect: Dialect) -> _Compiled:
        statement = self._build(dialect)
        compiled = statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        processors = {}
        for name in names:
            process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        results = tuple(_result_processor(column.type, dialect)
                        for column in statement.selected_columns) if self._typed else ()
        self._compiled[dialect.name] = _Compiled(str(compiled), names, compiled.positional, processors, results)
        return self._compiled[dialect.name]


def _result_processor(column_type, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's conversion of a fetched value. PostgreSQL's numeric processors ask for the cursor's type
    code, which a statement compiled ahead does not know; psycopg returns floats and integers as such already."""
    if dialect.name == "postgresql" and column_type._type_affinity.__name__ in ("Float", "Numeric"):
        return None
    return column_type.dialect_impl(dialect).result_processor(dialect, None)
