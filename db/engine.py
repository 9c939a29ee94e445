"""One engine per database URL, with the settings that make writes safe on SQLite and PostgreSQL."""
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

from db.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _make_sqlite_safe(engine: Engine) -> None:
    """pysqlite's own transaction handling is off; every transaction opens with BEGIN IMMEDIATE.

    Taking the write lock at BEGIN means a read-then-write can never fail half-way with "database is
    locked": a second writer waits (busy timeout) instead of being refused at its first write.
    Read-only sessions ask for a deferred BEGIN so readers never queue behind writers (WAL).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        readonly = connection.get_execution_options().get("readonly", False)
        # Straight to sqlite3: a statement through exec_driver_sql costs more than BEGIN itself.
        connection.connection.driver_connection.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")


@lru_cache(maxsize=16)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                                  "check_same_thread": False})
        _make_sqlite_safe(engine)
        return engine
    # Every Streamlit session runs its script in a thread of its own: a city's busy minute has a few dozen
    # writing at once, and a thread waiting for a pooled connection waits longer than the write takes.
    return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=20)


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def insert_for(session: Session, table):
    """The database's own INSERT: both dialects have ON CONFLICT DO NOTHING, SQLAlchemy's generic one has not."""
    return (sqlite_insert if is_sqlite(session.get_bind()) else postgresql_insert)(table)


def locked(session: Session, query):
    """Row locks where the database has them: FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already
    holds the whole database for the writer."""
    return query if is_sqlite(session.get_bind()) else query.with_for_update()


@contextmanager
def write_session() -> Iterator[Session]:
    """A transaction that commits on success and rolls back whole on any error."""
    with Session(get_engine(), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only unit of work: a deferred transaction on SQLite, rolled back at the end."""
    engine = get_engine()
    with (engine.connect().execution_options(readonly=True) as connection,
          Session(bind=connection, expire_on_commit=False) as session):
        yield session
