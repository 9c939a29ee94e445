"""Scans of one checkpoint by different residents run side by side, and the capacity still holds.

Scans used to lock the checkpoint's row, so one open scan made every other resident at the same station wait.
Now a scan holds a seat number (points.checkin.seats): on PostgreSQL a second resident's scan must finish while
the first one's transaction is still open, under a lock timeout that turns any wait into an error.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from db.engine import read_session, write_session
from db.models import CheckIn, LedgerEntry
from points.checkin import checkpoints, decision
from points.checkin.tokens import poster_token
from points.common.errors import DomainError
from tests.conftest import on_postgres
from tests.support.checkin import START, load_city, make_checkpoint, points_of
from tests.support.race import run_together

AT = START + timedelta(minutes=5)
postgres_only = pytest.mark.skipif(not on_postgres(), reason="SQLite's BEGIN IMMEDIATE makes every writer wait, "
                                                                 "by design: side by side needs PostgreSQL")


def scan_without_waiting(user_id: int, checkpoint_id: int) -> str:
    """One scan in its own transaction that fails instead of waiting for any lock: its outcome or refusal."""
    try:
        with write_session() as session:
            session.execute(text("SET LOCAL lock_timeout = '2s'"))
            return decision.scan(session, user_id=user_id, checkpoint_id=checkpoint_id,
                                 token=poster_token(checkpoint_id), now=AT).outcome
    except DomainError as error:
        return error.code


def scan_outcome(user_id: int, checkpoint_id: int) -> str:
    try:
        with write_session() as session:
            return decision.scan(session, user_id=user_id, checkpoint_id=checkpoint_id,
                                 token=poster_token(checkpoint_id), now=AT).outcome
    except DomainError as error:
        return error.code


def seats(checkpoint_id: int) -> dict[int, int | None]:
    """{user id: seat} of the checkpoint's committed check-ins."""
    with read_session() as session:
        return dict(session.execute(select(CheckIn.user_id, CheckIn.seat)
                                    .where(CheckIn.checkpoint_id == checkpoint_id)).all())


@pytest.fixture
def city(make_user):
    load_city()
    return make_user("olga", role="organizer")


@postgres_only
def test_an_open_scan_does_not_hold_up_another_residents_scan(city, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    trail = make_checkpoint(city.id, kind="trailhead", ends_at=START + timedelta(days=1))
    with write_session() as held:
        first = decision.scan(held, user_id=ann.id, checkpoint_id=trail, token=poster_token(trail), now=AT)
        assert first.outcome == "credited"
        assert scan_without_waiting(bob.id, trail) == "credited"  # while ann's transaction is still open
    assert seats(trail) == {ann.id: 1, bob.id: 2}
    assert (points_of(ann.id), points_of(bob.id)) == (70, 70)


@postgres_only
def test_a_seat_held_by_an_open_scan_counts_as_taken_and_is_free_again_if_that_scan_fails(city, make_user):
    ann, bob, cid, dan = (make_user(name) for name in ("ann", "bob", "cid", "dan"))
    event = make_checkpoint(city.id, capacity=2)
    with pytest.raises(RuntimeError), write_session() as held:
        decision.scan(held, user_id=ann.id, checkpoint_id=event, token=poster_token(event), now=AT)
        assert scan_without_waiting(bob.id, event) == "checked_in"  # seat 2, committed
        assert scan_without_waiting(cid.id, event) == "checkin_full"  # ann holds seat 1
        raise RuntimeError("ann's phone lost its connection: her scan rolls back")
    assert scan_without_waiting(cid.id, event) == "checked_in"  # seat 1 again
    assert scan_without_waiting(dan.id, event) == "checkin_full"
    assert seats(event) == {bob.id: 2, cid.id: 1}


@postgres_only
def test_an_organisers_edit_still_waits_for_a_scan_in_flight(city, make_user):
    """The scan's share lock: scans never wait for each other, but no scan reads a checkpoint mid-change."""
    event = make_checkpoint(city.id, capacity=2)
    with write_session() as held:
        decision.scan(held, user_id=make_user("ann").id, checkpoint_id=event, token=poster_token(event), now=AT)
        with pytest.raises(OperationalError, match="lock timeout"), write_session() as edit:
            edit.execute(text("SET LOCAL lock_timeout = '500ms'"))
            checkpoints.update_checkpoint(edit, actor_id=city.id, checkpoint_id=event, capacity=1)


def test_sixteen_residents_scanning_at_once_fill_five_seats_exactly(city, make_user, database):
    residents = [make_user(f"walker{index}").id for index in range(16)]
    trail = make_checkpoint(city.id, kind="trailhead", ends_at=START + timedelta(days=1), capacity=5)
    outcomes = run_together(scan_outcome, [(user_id, trail) for user_id in residents], database)
    assert all(status == "ok" for status, _ in outcomes), outcomes
    assert sorted(value for _, value in outcomes) == ["checkin_full"] * 11 + ["credited"] * 5
    seated = seats(trail)
    assert sorted(seated.values()) == [1, 2, 3, 4, 5]
    credited = {user_id for user_id, (_, outcome) in zip(residents, outcomes, strict=True) if outcome == "credited"}
    assert set(seated) == credited
    with read_session() as session:
        assert sorted(session.execute(select(LedgerEntry.user_id)).scalars()) == sorted(credited)
    assert [points_of(user_id) for user_id in sorted(credited)] == [70] * 5
