"""The operators' counters agree with the ledger: a committed write counts once, a rolled-back one not at all."""
import pytest

from db.engine import write_session
from points.claims.lifecycle import submit_claim
from points.common.errors import DomainError
from points.common.metrics import sample
from tests.support.ledger import NOON, key, load, log


@pytest.fixture(autouse=True)
def catalogue():
    load()


def test_a_credited_claim_counts_one_claim_and_one_earn_entry(make_user):
    ann = make_user("ann")
    claims, earns = sample("green_egret_claims_total", status="auto", source="self"), \
        sample("green_egret_ledger_entries_total", kind="earn")
    log(ann.id, "walk", 2)
    assert sample("green_egret_claims_total", status="auto", source="self") == claims + 1
    assert sample("green_egret_ledger_entries_total", kind="earn") == earns + 1


def test_a_write_rolled_back_after_posting_is_not_counted(make_user):
    ann = make_user("ann")
    earns = sample("green_egret_ledger_entries_total", kind="earn")
    with pytest.raises(DomainError), write_session() as session:
        submit_claim(session, user_id=ann.id, action_code="walk", quantity=2, occurred_at=NOON,
                     idempotency_key=key(), now=NOON)
        raise DomainError("unexpected")  # a failure after the entry was posted: the transaction rolls back
    assert sample("green_egret_ledger_entries_total", kind="earn") == earns
    log(ann.id, "walk", 1)  # the next committed write counts only itself
    assert sample("green_egret_ledger_entries_total", kind="earn") == earns + 1


def test_a_session_that_rolls_back_then_commits_counts_only_the_committed_write(make_user):
    from sqlmodel import Session

    from db.engine import get_engine

    ann = make_user("ann")
    earns = sample("green_egret_ledger_entries_total", kind="earn")
    with Session(get_engine()) as session:
        submit_claim(session, user_id=ann.id, action_code="walk", quantity=2, occurred_at=NOON,
                     idempotency_key=key(), now=NOON)
        session.rollback()
        submit_claim(session, user_id=ann.id, action_code="walk", quantity=1, occurred_at=NOON,
                     idempotency_key=key(), now=NOON)
        session.commit()
    assert sample("green_egret_ledger_entries_total", kind="earn") == earns + 1


def test_a_scan_and_a_page_run_are_counted(make_user, open_page):
    """The check-in page counts each answered scan by outcome; the frame times every page run."""
    from datetime import timedelta

    from points.checkin.tokens import poster_token
    from points.common.clock import utcnow
    from tests.support.checkin import make_checkpoint

    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    now = utcnow()
    event = make_checkpoint(organizer.id, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2))
    scans, runs = sample("green_egret_checkin_scans_total", outcome="checked_in"), \
        sample("green_egret_page_seconds_count", page="checkin")
    open_page("pages/public/checkin.py", ann, query={"c": str(event), "t": poster_token(event)})
    assert sample("green_egret_checkin_scans_total", outcome="checked_in") == scans + 1
    assert sample("green_egret_page_seconds_count", page="checkin") >= runs + 1
