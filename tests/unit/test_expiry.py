"""Points that expire, fairly: earned in Y, gone at the very start of Y + 2 (local time) under a one-year
policy; spending counts against them first; never more than the balance; written once however often the
command runs; the ledger still verifies; residents are warned in the inbox ahead of time."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import InboxMessage, LedgerEntry
from manage import main as manage
from points.expiry.amounts import city_expiring, upcoming
from points.expiry.policy import year_start
from points.expiry.runner import run_expiry
from points.ledger.chain import post
from tests.support.ledger import balance_of, credit
from tests.support.lock_probe import calls_under_lock

NEW_YEAR_2027 = year_start(2027)  # 2027-01-01 00:00 in Xiamen = 2026-12-31 16:00 UTC
JUST_BEFORE = NEW_YEAR_2027 - timedelta(microseconds=1)
IN_2025, IN_2026 = datetime(2025, 5, 1, 4, tzinfo=UTC), datetime(2026, 5, 1, 4, tzinfo=UTC)


@pytest.fixture(autouse=True)
def one_year_policy(monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_POINTS_EXPIRE_YEARS", "1")


def spend(user_id: int, points: int, *, now: datetime) -> None:
    with write_session() as session:
        post(session, user_id=user_id, kind="redeem", points=-points, idempotency_key=f"redeem:{uuid.uuid4()}",
             request={"points": points}, now=now)


def expired(user_id: int) -> list[int]:
    with read_session() as session:
        return list(session.exec(select(LedgerEntry.points).where(LedgerEntry.user_id == user_id,
                                                                  LedgerEntry.kind == "expire")).all())


def topics(user_id: int) -> list[str]:
    with read_session() as session:
        return list(session.exec(select(InboxMessage.topic).where(InboxMessage.user_id == user_id)).all())


def test_expiry_run_twice_writes_once(make_user):
    ann = make_user("ann")
    credit(ann.id, 500, now=IN_2025)
    assert manage(["expire-points", "--now", NEW_YEAR_2027.isoformat()]) == 0
    assert manage(["expire-points", "--now", (NEW_YEAR_2027 + timedelta(days=3)).isoformat()]) == 0
    assert expired(ann.id) == [-500]
    assert balance_of(ann.id).points == 0
    assert topics(ann.id) == ["points_expired"]
    assert manage(["verify-ledger"]) == 0


def test_the_rule_at_the_exact_year_boundary(make_user):
    ann = make_user("ann")
    credit(ann.id, 100, now=year_start(2026) - timedelta(microseconds=1))  # 31 Dec 2025, 23:59:59.999999 local
    credit(ann.id, 40, now=year_start(2026))  # 1 Jan 2026, 00:00 local: a 2026 point
    assert run_expiry(now=JUST_BEFORE).points == 0
    assert expired(ann.id) == []
    run = run_expiry(now=NEW_YEAR_2027)
    assert (run.expired_year, run.residents, run.points) == (2025, 1, 100)
    assert balance_of(ann.id).points == 40


def test_points_spent_count_against_the_oldest_first(make_user):
    ann = make_user("ann")
    credit(ann.id, 300, now=IN_2025)
    spend(ann.id, 120, now=IN_2026)
    credit(ann.id, 200, now=IN_2026)
    run_expiry(now=NEW_YEAR_2027)
    assert expired(ann.id) == [-180]
    assert balance_of(ann.id).points == 200


def test_never_more_than_the_balance_and_never_negative(make_user):
    ann, bob = make_user("ann"), make_user("bob")
    credit(ann.id, 100, now=IN_2025)
    spend(ann.id, 100, now=IN_2026)
    credit(bob.id, 100, now=IN_2025)
    spend(bob.id, 80, now=NEW_YEAR_2027 + timedelta(days=2))  # after the year ended, before the command ran
    run_expiry(now=NEW_YEAR_2027 + timedelta(days=5))
    assert expired(ann.id) == []
    assert expired(bob.id) == [-20]
    assert (balance_of(ann.id).points, balance_of(bob.id).points) == (0, 0)
    assert manage(["verify-ledger"]) == 0


def test_a_missed_year_is_covered_by_the_next_run(make_user):
    ann = make_user("ann")
    credit(ann.id, 70, now=IN_2025 - timedelta(days=365))  # 2024: due at the start of 2026, never run then
    credit(ann.id, 30, now=IN_2025)
    run_expiry(now=NEW_YEAR_2027)
    assert expired(ann.id) == [-100]


def test_nothing_expires_while_the_policy_is_off(make_user, monkeypatch, capsys):
    monkeypatch.delenv("GREEN_EGRET_POINTS_EXPIRE_YEARS")
    ann = make_user("ann")
    credit(ann.id, 100, now=IN_2025)
    assert manage(["expire-points", "--now", NEW_YEAR_2027.isoformat()]) == 0
    assert "never expire" in capsys.readouterr().out
    assert expired(ann.id) == []
    with read_session() as session:
        assert upcoming(session, user_id=ann.id, now=IN_2026) is None


def test_residents_are_told_in_advance_once(make_user):
    ann = make_user("ann")
    credit(ann.id, 250, now=IN_2025)
    spend(ann.id, 50, now=IN_2026)
    december = NEW_YEAR_2027 - timedelta(days=20)
    with read_session() as session:
        soon = upcoming(session, user_id=ann.id, now=december)
        city = city_expiring(session, now=december)
    assert (soon.points, soon.earned_year, soon.last_day.isoformat()) == (200, 2025, "2026-12-31")
    assert city.points == 200
    assert run_expiry(now=NEW_YEAR_2027 - timedelta(days=40)).notices == 0  # too early to warn
    assert run_expiry(now=december).notices == 1
    assert run_expiry(now=december + timedelta(days=1)).notices == 0
    assert topics(ann.id) == ["points_expiring"]
    assert expired(ann.id) == []


def test_the_sums_are_read_outside_the_write_transaction(make_user, monkeypatch, database):
    if not database.startswith("sqlite"):
        pytest.skip("the write-lock probe reads SQLite's lock")
    import points.expiry.runner as runner

    ann = make_user("ann")
    credit(ann.id, 100, now=IN_2025)
    seen = calls_under_lock(monkeypatch, database, runner, "expiring_by_user")
    run_expiry(now=NEW_YEAR_2027)
    assert seen == [False]
    assert expired(ann.id) == [-100]
