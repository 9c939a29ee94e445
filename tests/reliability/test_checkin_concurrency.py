"""16 processes scan one code for one resident at the same instant: exactly one credit, the rest "already"."""
from datetime import timedelta

from sqlalchemy import func, select

from db.engine import read_session
from db.models import CheckIn, Claim, LedgerEntry
from tests.support.checkin import START, load_city, make_checkpoint, points_of, scan
from tests.support.race import run_together

PROCESSES = 16


def scan_outcome(user_id: int, checkpoint_id: int) -> str:
    return scan(user_id, checkpoint_id, now=START + timedelta(minutes=5)).outcome


def count(model) -> int:
    with read_session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_sixteen_simultaneous_scans_credit_exactly_once(make_user, database):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    trail = make_checkpoint(organizer.id, kind="trailhead", ends_at=START + timedelta(days=1))
    outcomes = run_together(scan_outcome, [(ann.id, trail)] * PROCESSES, database)
    assert all(status == "ok" for status, _ in outcomes), outcomes
    assert sorted(value for _, value in outcomes) == ["already"] * (PROCESSES - 1) + ["credited"]
    assert (count(CheckIn), count(Claim), count(LedgerEntry)) == (1, 1, 1)
    assert points_of(ann.id) == 70
