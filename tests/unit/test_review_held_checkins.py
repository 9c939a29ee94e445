"""Check-ins held for review before any claim exists are in the admins' queue and decided there like claims."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import AnomalyFlag, AuditLog, CheckIn
from points.checkin import checkpoints
from points.checkin.decision import close_ended_events
from points.common.errors import DomainError
from points.review.held import decide_checkin, held_checkins
from points.review.queue import pending_claims
from tests.support.checkin import END, START, check_out, load_city, make_checkpoint, points_of, scan


@pytest.fixture
def held(make_user):
    """A full event (capacity 1): bob walked in, ann had signed up and is let in, held as over capacity."""
    load_city()
    organizer, ann, admin = make_user("olga", role="organizer"), make_user("ann"), make_user("ada", role="admin")
    event = make_checkpoint(organizer.id, capacity=1, points_per_hour=100)
    with write_session() as session:
        checkpoints.sign_up(session, user_id=ann.id, checkpoint_id=event, now=START)
    scan(make_user("bob").id, event, now=START)
    result = scan(ann.id, event, now=START)
    assert result.held_because == "over_capacity"
    return event, ann, admin, result.checkin.id


def decide(admin, checkin_id: int, *, approve: bool):
    with write_session() as session:
        return decide_checkin(session, actor_id=admin.id, checkin_id=checkin_id, approve=approve, reason="seen")


def test_a_held_check_in_waits_in_the_queue_though_it_has_no_claim_yet(held):
    event, ann, admin, checkin_id = held
    with read_session() as session:
        assert pending_claims(session, actor_id=admin.id) == []
        [item] = held_checkins(session, actor_id=admin.id)
        assert held_checkins(session, actor_id=admin.id, source="self") == []
    assert (item.checkin.id, item.username, item.checkpoint.id) == (checkin_id, "ann", event)


def test_approved_the_volunteer_is_credited_at_check_out_by_the_usual_rules(held):
    event, ann, admin, checkin_id = held
    decide(admin, checkin_id, approve=True)
    result = check_out(ann.id, event, now=END)
    assert (result.outcome, result.points, points_of(ann.id)) == ("checked_out", 300, 300)
    with read_session() as session:
        assert held_checkins(session, actor_id=admin.id) == []
        assert session.execute(select(AnomalyFlag.status).where(AnomalyFlag.checkin_id == checkin_id)).scalar_one() \
            == "resolved"
        assert session.execute(select(AuditLog.action).where(AuditLog.target_type == "checkin")).scalar_one() \
            == "checkin.approve"


def test_rejected_the_check_out_says_so_and_nothing_is_ever_credited(held):
    event, ann, admin, checkin_id = held
    decide(admin, checkin_id, approve=False)
    assert check_out(ann.id, event, now=END).outcome == "rejected"
    assert scan(ann.id, event, now=START).outcome == "rejected"
    with write_session() as session:
        close_ended_events(session, now=END + timedelta(hours=1))
    with read_session() as session:
        checkin = session.get(CheckIn, checkin_id)
    assert (checkin.status, checkin.checked_out_at, points_of(ann.id)) == ("rejected", None, 0)


def test_a_second_admins_opposite_decision_is_refused_the_same_one_is_harmless(held, make_user):
    _, _, admin, checkin_id = held
    decide(admin, checkin_id, approve=True)
    assert decide(make_user("abe", role="admin"), checkin_id, approve=True).status == "open"
    with pytest.raises(DomainError) as refused:
        decide(make_user("amy", role="admin"), checkin_id, approve=False)
    assert refused.value.code == "claim_already_decided"


def test_only_admins_decide(held, make_user):
    _, _, _, checkin_id = held
    with pytest.raises(DomainError):
        decide(make_user("otto", role="organizer"), checkin_id, approve=True)
