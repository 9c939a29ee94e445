"""python -m bench checkin-pg --database-url URL [--writers 16] [--rounds 6] [--seconds 5]

One trailhead, many residents scanning its poster at once on PostgreSQL: `writers` threads each scan through
points.checkin.decision.scan (share lock on the checkpoint, the resident's balance lock, a seat number, the
verified credit), against the same number of threads running the same transaction in raw psycopg (the domain's
compiled statements: the same locks, seat try-lock and insert, claim, ledger entry with its chain hash, balance;
one connection per thread). Each side scans a trailhead of its own; a thread's residents take turns and each
scan is on a later day (`now` is passed in), so every scan is a new check-in and a credit. Rounds, warm-up and
the report are bench/claims_pg.py's. Targets (issue 15): scans of one checkpoint not queued behind each other,
the domain at >= 50 % of raw psycopg, p99 under 100 ms. URL must be an empty database.
"""
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.claims_pg import (
    Claim,
    connect,
    credit_sql,
    interleaved_rounds,
    postgres_sql,
    prepared_database,
    print_sides,
    raw_credit,
    residents,
)

RESIDENTS_PER_WRITER = 4  # a thread's residents take turns, a day further at each turn


def _visits(start: datetime) -> Callable[[list[int]], tuple[int, datetime]]:
    """Per thread: the next (resident, moment) to scan, each pair a check-in of its own."""
    counter = itertools.count()

    def next_visit(own: list[int]) -> tuple[int, datetime]:
        k = next(counter)
        return own[k % len(own)], start + timedelta(days=k // len(own), minutes=5)
    return next_visit


def trailhead(organizer_id: int, start: datetime) -> int:
    """A published trailhead open as long as a site may be: days enough for every round's scans."""
    from db.engine import write_session
    from points.checkin import checkpoints

    with write_session() as session:
        checkpoint = checkpoints.create_checkpoint(
            session, actor_id=organizer_id, kind="trailhead", title_zh="步道入口", title_en="Trailhead",
            lat=24.46163, lon=118.0848, starts_at=start, ends_at=start + timedelta(days=5 * 365), now=start)
        checkpoints.publish(session, actor_id=organizer_id, checkpoint_id=checkpoint.id, now=start)
        assert checkpoint.id is not None
        return checkpoint.id


def domain_scanner(checkpoint_id: int, start: datetime) -> Callable[[], Claim]:
    from db.engine import write_session
    from points.checkin.decision import scan
    from points.checkin.tokens import poster_token

    token = poster_token(checkpoint_id)

    def make() -> Claim:
        next_visit = _visits(start)

        def one(own, _i: int) -> None:
            user_id, now = next_visit(own)
            with write_session() as session:
                outcome = scan(session, user_id=user_id, checkpoint_id=checkpoint_id, token=token, now=now).outcome
            assert outcome == "credited", outcome
        return one
    return make


def scan_sql() -> dict[str, str]:
    """The scan's own statements before and after the credit, as the domain runs them."""
    from sqlalchemy import bindparam, select, update
    from sqlalchemy.dialects import postgresql

    from db.driver_statement import DriverStatement
    from db.models import CheckIn, Checkpoint, User
    from points.checkin import seats

    checkin, user, checkpoint = CheckIn.__table__, User.__table__, Checkpoint.__table__
    statements = {
        "actor": select(user).where(user.c.id == bindparam("user")),
        "checkpoint": select(checkpoint).where(checkpoint.c.id == bindparam("checkpoint")).with_for_update(read=True),
        "find": select(checkin).where(checkin.c.checkpoint_id == bindparam("checkpoint"),
                                      checkin.c.user_id == bindparam("user"), checkin.c.period == bindparam("period")),
        "seat": seats.insert_seat(postgresql.dialect()).returning(*checkin.c),
        "settle": update(checkin).where(checkin.c.id == bindparam("checkin"))
        .values(claim_id=bindparam("claim"), status=bindparam("status")),
    }
    return {name: postgres_sql(DriverStatement(statement)) for name, statement in statements.items()} | {
        "taken": postgres_sql(seats.SEATS_TAKEN), "try_lock": postgres_sql(seats.TRY_SEAT_LOCK)}


def raw_scanner(url: str, checkpoint_id: int, start: datetime) -> Callable[[], Claim]:
    """A factory of per-thread raw psycopg scanners doing scan()'s transaction statement by statement."""
    import psycopg

    from points.checkin.decision import UNITS_PER_VISIT
    from points.checkin.seats import lock_slot
    from points.checkin.tokens import poster_token, verify
    from points.common.clock import local_day

    sql = credit_sql() | scan_sql()
    token = poster_token(checkpoint_id)

    def make() -> Claim:
        connection, next_visit = connect(url), _visits(start)

        def one(own, _i: int) -> None:
            user_id, now = next_visit(own)
            period, at = local_day(now).isoformat(), {"checkpoint": checkpoint_id}
            with connection.transaction(), connection.cursor(row_factory=psycopg.rows.dict_row) as cursor:
                cursor.execute(sql["actor"], {"user": user_id})
                verify(checkpoint_id, token, now=now)
                action_code = cursor.execute(sql["checkpoint"], at).fetchone()["action_code"]
                cursor.execute(sql["totals"], {"user": user_id})
                assert cursor.execute(sql["find"], at | {"user": user_id, "period": period}).fetchone() is None
                seat = (cursor.execute(sql["taken"], at | {"period": period}).fetchone()["max_1"] or 0) + 1
                while True:  # a bench never rolls a scan back, so there are no gaps to fill
                    locked = cursor.execute(sql["try_lock"], at | {"slot": lock_slot(period, seat)}).fetchone()
                    row = locked["pg_try_advisory_xact_lock"] and cursor.execute(sql["seat"], {
                        "checkpoint_id": checkpoint_id, "user_id": user_id, "period": period, "seat": seat,
                        "checked_in_at": now, "status": "open"}).fetchone()
                    if row:
                        break
                    seat += 1
                claim_id = raw_credit(cursor, sql, user_id=user_id, when=now, now=now, source="checkpoint",
                                      key=f"checkin:{checkpoint_id}:{user_id}:{period}", action_code=action_code,
                                      quantity=UNITS_PER_VISIT, checkpoint_id=checkpoint_id,
                                      status_reason="verified")
                cursor.execute(sql["settle"], {"checkin": row["id"], "claim": claim_id, "status": "credited"})
        return one
    return make


def main(argv: list[str]) -> int:
    args = prepared_database("python -m bench checkin-pg", argv)
    from db.engine import write_session
    from points.accounts.users import create_user

    start = datetime.now(UTC).replace(microsecond=0)
    with write_session() as session:
        organizer = create_user(session, username="bench-organizer", password="bench-password-9", role="organizer")
    assert organizer.id is not None
    users = {side: [residents(RESIDENTS_PER_WRITER, f"{side}{w}-") for w in range(args.writers)]
             for side in ("domain", "psycopg")}
    makers = {"domain": domain_scanner(trailhead(organizer.id, start), start),
              "psycopg": raw_scanner(args.database_url, trailhead(organizer.id, start), start)}
    scanners = {side: [make() for _ in range(args.writers)] for side, make in makers.items()}
    rates, latencies = interleaved_rounds(scanners, users, rounds=args.rounds, seconds=args.seconds)
    print(f"{args.writers} residents' phones scanning one trailhead each side, {args.rounds} rounds of "
          f"{args.seconds:g} s a side, PostgreSQL")
    print_sides(rates, latencies, unit="scans/s")
    return 0
