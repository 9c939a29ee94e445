"""Anomaly flags are raised automatically, once per incident, and land in the review queue."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from db.engine import is_sqlite, read_session, write_session
from db.models import AnomalyFlag, CheckIn, Checkpoint
from points.claims.lifecycle import submit_claim
from points.review.anomalies import BURST_ENTRIES, BURST_WINDOW, CHECKPOINT_BURST, raise_flags, recent_earners_sql
from points.review.queue import open_flags
from tests.support.admin import with_catalogue
from tests.support.ledger import credit

NOW = datetime(2026, 3, 20, 4, 0, tzinfo=UTC)


def flags() -> list[tuple]:
    with read_session() as session:
        return [(flag.kind, flag.user_id, flag.claim_id) for flag in
                session.execute(select(AnomalyFlag).order_by(AnomalyFlag.id)).scalars()]


def scan(now=NOW) -> int:
    return raise_flags(now=now)


def claim(user_id: int, quantity: float, when: datetime) -> int:
    with write_session() as session:
        return submit_claim(session, user_id=user_id, action_code="metro", quantity=quantity, occurred_at=when,
                            idempotency_key=f"claim:{uuid.uuid4()}", now=when).claim.id


def test_many_entries_in_an_hour_are_flagged_once(make_user):
    rita = make_user("rita")
    for minute in range(BURST_ENTRIES):
        credit(rita.id, 5, now=NOW - timedelta(minutes=minute))
    assert scan() == 1
    assert scan() == 0
    assert flags() == [("many_entries", rita.id, None)]


def test_the_burst_window_ends_exactly_an_hour_back(make_user):
    rita, omar = make_user("rita"), make_user("omar")
    for minute in range(1, BURST_ENTRIES):
        credit(rita.id, 5, now=NOW - timedelta(minutes=minute))
        credit(omar.id, 5, now=NOW - timedelta(minutes=minute))
    credit(rita.id, 5, now=NOW - BURST_WINDOW)  # the twentieth, on the edge: inside
    credit(omar.id, 5, now=NOW - BURST_WINDOW - timedelta(seconds=1))  # a second earlier: outside
    assert scan() == 1
    assert flags() == [("many_entries", rita.id, None)]


def test_the_burst_scan_reads_only_the_last_hour_through_the_created_at_index():
    """On a million entries the whole-ledger plan took 284 ms a scan, and the Review page runs it."""
    with read_session() as session:
        if not is_sqlite(session.get_bind()):
            pytest.skip("a plan of SQLite's, whose planner has no statistics; PostgreSQL chooses by its own")
        plan = session.execute(text(f"EXPLAIN QUERY PLAN {recent_earners_sql(True)}"),
                               {"since": NOW, "least": BURST_ENTRIES}).all()
    steps = " / ".join(row[-1] for row in plan)
    assert "USING INDEX ix_ledgerentry_created_at (created_at>?)" in steps, steps


def test_fewer_entries_raise_nothing(make_user):
    rita = make_user("rita")
    for minute in range(BURST_ENTRIES - 1):
        credit(rita.id, 5, now=NOW - timedelta(minutes=minute))
    assert scan() == 0


def test_the_cap_reached_three_days_running_is_flagged(make_user):
    with_catalogue()
    rita = make_user("rita")
    for days_back in (3, 2, 1):
        when = NOW - timedelta(days=days_back)
        claim(rita.id, 35, when)
        claim(rita.id, 25, when)      # 60 km: metro's daily cap
    assert scan() == 1
    assert flags() == [("cap_streak", rita.id, None)]


def test_a_quantity_just_under_the_plausibility_limit_is_flagged(make_user):
    with_catalogue()
    rita, boss = make_user("rita"), make_user("boss", role="admin")
    edge = claim(rita.id, 38, NOW)     # metro's limit is 40 km
    claim(rita.id, 10, NOW)
    assert scan() == 1
    assert flags() == [("plausibility_edge", rita.id, edge)]
    with read_session() as session:
        assert [item.username for item in open_flags(session, actor_id=boss.id)] == ["rita"]


def test_a_burst_at_one_checkpoint_is_flagged(make_user):
    rita = make_user("rita")
    with write_session() as session:
        station = Checkpoint(kind="station", title_zh="站", title_en="Station", starts_at=NOW, ends_at=NOW)
        session.add(station)
        session.flush()
        session.add_all([CheckIn(checkpoint_id=station.id, user_id=rita.id, period=f"p{index}",
                                 checked_in_at=NOW - timedelta(seconds=index)) for index in range(CHECKPOINT_BURST)])
    assert scan() == 1
    assert flags() == [("checkpoint_burst", None, None)]


def test_only_admins_scan_for_new_flags(make_user):
    from points.common.errors import DomainError
    from points.review.queue import refresh_flags

    admin, auditor, rita = make_user("boss", role="admin"), make_user("audrey", role="auditor"), make_user("rita")
    for minute in range(BURST_ENTRIES):
        credit(rita.id, 5, now=NOW - timedelta(minutes=minute))
    try:
        refresh_flags(actor_id=auditor.id, now=NOW)
    except DomainError as error:
        refused = error.code
    assert refused == "forbidden" and flags() == []
    assert refresh_flags(actor_id=admin.id, now=NOW) == 1
    assert flags() == [("many_entries", rita.id, None)]
