"""Backups an operator can restore, taken while the portal runs.

SQLite: the online backup API copies a consistent snapshot page by page (a plain file copy of a live database
can tear mid-write), and restores the same way into the live file, so open connections see the restored data.
PostgreSQL: pg_dump's custom format as the tables' owner (DATABASE_OWNER_URL when set), restored by pg_restore
in one transaction: a failed restore leaves the database as it was. Either way the hash chain comes back exactly,
so `verify-ledger` and `ledger-head` agree with the moment of the backup.
"""
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine, make_url

from db.config import get_settings

REQUIRED_TABLES = {"alembic_version", "ledgerentry", "user"}


class BackupError(Exception):
    """A backup or restore that could not be made; the database is unchanged."""


def _owner_url() -> str:
    settings = get_settings()
    return settings.database_owner_url or settings.database_url


def _sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    return parsed.database if parsed.get_backend_name() == "sqlite" else None


def _libpq_url(url: str) -> str:
    """pg_dump and pg_restore take libpq's URL, without SQLAlchemy's +driver."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(*command: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip().splitlines()[-1] if done.stderr else ''}")


def _check_sqlite_backup(path: Path) -> None:
    """A portal backup, whole: opened read-only, so a wrong file is refused before the live database is touched."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged")
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite backup: {error}") from error
    missing = REQUIRED_TABLES - tables
    if missing:
        raise BackupError(f"{path} is not a Green Egret backup (no {', '.join(sorted(missing))})")


def _copy_sqlite(source_path: str, target_path: str) -> None:
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target_path)) as target:
        source.backup(target)  # retries while the portal holds a write lock, then copies in one step


def backup(out: Path) -> str:
    """Write a backup of the whole database to `out`; a line saying what was written."""
    url = _owner_url()
    database = _sqlite_file(url)
    if database is not None:
        if not Path(database).exists():
            raise BackupError(f"no database at {database}")
        _copy_sqlite(database, str(out))
    else:
        _run("pg_dump", "--format=custom", "--file", str(out), "--dbname", _libpq_url(url))
    return f"backup written to {out} ({out.stat().st_size} bytes)"


def _analyze(url: str) -> None:
    """pg_restore brings rows back without the planner's statistics; until autovacuum gets round to it (or never,
    where it is off) the planner takes a 10-million-row ledger for empty and picks plans that sort all of it.
    ANALYZE samples each table (about a second at 10M entries)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def restore(source: Path) -> str:
    """Replace the database with the backup in `source`; refuses a file that is not one, changing nothing."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    url = _owner_url()
    database = _sqlite_file(url)
    if database is not None:
        _check_sqlite_backup(source)
        _copy_sqlite(str(source), database)
    else:
        _run("pg_restore", "--list", str(source))  # a custom-format dump, readable, before anything is dropped
        _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
             "--dbname", _libpq_url(url), str(source))
        _analyze(url)
    return f"restored from {source}"
