"""Does anybody hold the SQLite write lock right now? Asked from a second connection that will not wait.

Slow work (argon2, image and QR decoding, scans, PDFs) must run outside a write transaction, because on
SQLite one BEGIN IMMEDIATE stalls every credit in the city. `calls_under_lock` wraps a slow function so a
test can assert it ran while the write lock was free.
"""
import sqlite3
from collections.abc import Callable

from sqlalchemy.engine import make_url


def write_lock_held(database_url: str) -> bool:
    """True when another connection holds the write lock of the SQLite file behind `database_url`."""
    probe = sqlite3.connect(make_url(database_url).database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    finally:
        probe.close()


def calls_under_lock(monkeypatch, database_url: str, target, name: str) -> list[bool]:
    """Patch `target.name` to record, at each call, whether the write lock was held; returns the record."""
    seen: list[bool] = []
    original: Callable = getattr(target, name)

    def probed(*args, **kwargs):
        seen.append(write_lock_held(database_url))
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, probed)
    return seen
