"""Seat numbers: a checkpoint's capacity kept without locking the checkpoint's row.

Every check-in takes a seat number, 1, 2, 3 ... in arrival order, unique per checkpoint and credit period (a
unique index, so the database itself refuses a second holder). Capacity is then a bound on the number: a walk-in
who would need seat capacity + 1 is "full"; the seat number is also the attendance count the burst check needs.

Why not count and insert: two scans counting at the same moment both see room for one. Why not lock the
checkpoint row (as scans did) or a per-period counter row: every scan of a busy station then queues behind the
one before it until that one commits. Here two residents' scans never wait for each other. On PostgreSQL a
candidate seat is first claimed with a transaction-scoped advisory try-lock, which never waits: a seat another
scan is taking right now is skipped. The seat is then inserted with ON CONFLICT DO NOTHING: a seat that another
scan took and committed since this one read the taken seats is skipped too. Only the holder of a seat's advisory
lock inserts that seat, so the insert never meets another transaction's uncommitted row for it (which it would
have to wait for). A seat held by a scan that then fails is free again for the next scan. SQLite's BEGIN
IMMEDIATE already makes each writer alone: the first free seat is simply taken.
"""
import hashlib
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Table, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from db.driver_statement import DriverStatement
from db.models import CheckIn

# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
_checkin: Table = CheckIn.__table__  # type: ignore[attr-defined]
_c = _checkin.c
_same_period = (_c.checkpoint_id == bindparam("checkpoint"), _c.period == bindparam("period"), _c.seat.isnot(None))

SEATS_TAKEN = DriverStatement(select(func.count(_c.seat), func.max(_c.seat)).where(*_same_period))
SEAT_NUMBERS = DriverStatement(select(_c.seat).where(*_same_period).order_by(_c.seat))
TRY_SEAT_LOCK = DriverStatement(text("SELECT pg_try_advisory_xact_lock(:checkpoint, :slot)"))


SEAT_COLUMNS = ("checkpoint_id", "user_id", "period", "seat", "checked_in_at", "status")


def insert_seat(dialect: Dialect):
    """INSERT ... ON CONFLICT (checkpoint, period, seat) DO NOTHING: the caller says what it returns; no row
    back means the seat was taken. Run through the session, not prebuilt, so a DBA's statement log shows it."""
    dialect_insert = sqlite_insert if dialect.name == "sqlite" else postgresql_insert
    return (dialect_insert(CheckIn).values({name: bindparam(name) for name in SEAT_COLUMNS})
            .on_conflict_do_nothing(index_elements=[_c.checkpoint_id, _c.period, _c.seat]))


def lock_slot(period: str, seat: int) -> int:
    """The second key of a seat's advisory lock (the first is the checkpoint id): a signed 32-bit digest.

    The two-key form has a key space of its own, apart from the portal's single-key locks (migrations, flags).
    Two seats sharing a digest only make one scan skip a seat that was free; the unique index still decides.
    """
    return int.from_bytes(hashlib.blake2b(f"{period}:{seat}".encode(), digest_size=4).digest(), "big", signed=True)


def free_seats(session: Session, *, checkpoint_id: int, period: str) -> Iterator[int]:
    """Seats nobody holds as far as this transaction can see, lowest first, without end: first the gaps left by
    scans that failed after taking a seat, then every number after the highest taken."""
    connection = session.connection()
    params = {"checkpoint": checkpoint_id, "period": period}
    [(count, highest)] = SEATS_TAKEN.rows(connection, params)
    highest = highest or 0
    if count < highest:
        taken = {row[0] for row in SEAT_NUMBERS.rows(connection, params)}
        yield from (seat for seat in range(1, highest) if seat not in taken)
    seat = highest + 1
    while True:
        yield seat
        seat += 1


def take_seat(session: Session, *, checkpoint_id: int, user_id: int, period: str, now: datetime,
              limit: int | None) -> CheckIn | None:
    """Insert the resident's check-in on the lowest seat free for them, at most `limit`; None when none is.

    The caller holds the resident's balance lock and has checked they have no check-in for this period yet.
    """
    connection = session.connection()
    on_postgres = connection.dialect.name != "sqlite"
    for seat in free_seats(session, checkpoint_id=checkpoint_id, period=period):
        if limit is not None and seat > limit:
            return None
        if on_postgres and not TRY_SEAT_LOCK.rows(connection, {"checkpoint": checkpoint_id,
                                                               "slot": lock_slot(period, seat)})[0][0]:
            continue
        inserted = session.scalars(insert_seat(connection.dialect).returning(CheckIn), {
            "checkpoint_id": checkpoint_id, "user_id": user_id, "period": period, "seat": seat,
            "checked_in_at": now, "status": "open"}).first()
        if inserted is not None:
            return inserted
    raise AssertionError("unreachable: free_seats never ends")
