"""Concurrent read-then-write transactions never fail with "database is locked" and lose no update."""
from sqlalchemy import text

from db.engine import read_session, write_session
from tests.support.race import run_together

WRITERS = 12


def read_then_write(username: str) -> int:
    """Read, then write what was read plus one: the lost-update and lock-upgrade trap.

    SQLite gets its safety from BEGIN IMMEDIATE alone; PostgreSQL from the row lock the domain also takes.
    """
    with write_session() as session:
        lock = " FOR UPDATE" if session.get_bind().dialect.name == "postgresql" else ""
        seen = session.execute(text('SELECT failed_signins FROM "user" WHERE username = :u' + lock),
                               {"u": username}).scalar_one()
        session.execute(text('UPDATE "user" SET failed_signins = :n WHERE username = :u'),
                        {"n": seen + 1, "u": username})
    return seen


def test_concurrent_read_then_write_all_succeed_in_turn(make_user, database):
    make_user("counter")
    outcomes = run_together(read_then_write, [("counter",)] * WRITERS, database)
    assert [status for status, _ in outcomes] == ["ok"] * WRITERS, outcomes
    assert sorted(value for _, value in outcomes) == list(range(WRITERS))
    with read_session() as session:
        final = session.execute(text('SELECT failed_signins FROM "user" WHERE username = \'counter\'')).scalar_one()
    assert final == WRITERS
