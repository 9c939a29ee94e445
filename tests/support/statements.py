"""The SQL statements a piece of code sends, for tests that prove a page's queries do not grow with its data."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from db.engine import get_engine


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """Every statement sent to the test database inside the block (SQLAlchemy's before_cursor_execute), in order;
    on SQLite the BEGIN of a transaction goes straight to the driver and is not among them."""
    sent: list[str] = []
    engine = get_engine()

    def record(_connection, _cursor, statement, *_rest) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
