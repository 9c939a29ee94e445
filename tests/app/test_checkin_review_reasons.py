"""A volunteer held for review is told why and what happens next; the admin's queue counts held check-ins, so its
number is what the admin can act on (issue 14: it showed "（0）" while a held check-in sat among the flags)."""
from datetime import timedelta

from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import CheckIn
from points.checkin import checkpoints
from points.checkin.tokens import poster_token
from points.common.clock import utcnow
from tests.support.admin import pending_claim
from tests.support.checkin import load_city, make_checkpoint, points_of, scan

CHECKIN, REVIEW = "pages/public/checkin.py", "pages/admin/review.py"


def panel_text(app, tone: str) -> str:
    return " ".join(str(element.value) for element in app.container(key=f"checkin_outcome_{tone}")
                    if hasattr(element, "value"))


def held_at_a_full_event(make_user) -> tuple[int, object, object]:
    """Capacity 1: bob walked in; ann had signed up, so she is let in and held as over capacity."""
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    now = utcnow()
    event = make_checkpoint(organizer.id, capacity=1, starts_at=now - timedelta(hours=1),
                            ends_at=now + timedelta(hours=2))
    with write_session() as session:
        checkpoints.sign_up(session, user_id=ann.id, checkpoint_id=event)
    scan(make_user("bob").id, event, now=now)
    return event, organizer, ann


def test_a_short_check_out_is_held_and_the_volunteer_is_told_why_and_what_next(make_user, open_page):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    now = utcnow()
    event = make_checkpoint(organizer.id, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=3),
                            points_per_hour=100)
    scan(ann.id, event, now=now - timedelta(minutes=30))
    app = open_page(CHECKIN, ann, lang="zh", query={"c": str(event), "t": poster_token(event)})
    app.button(key="check_out").click().run()
    text = panel_text(app, "amber")
    assert "待人工审核" in text
    assert "**原因**：您的参与时间不足活动计划时长的 60%" in text
    assert "管理员审核通过后，积分会出现在您的账本中" in text
    assert points_of(ann.id) == 0


def test_a_held_check_in_tells_the_volunteer_to_stay_and_check_out(make_user, open_page):
    event, _, ann = held_at_a_full_event(make_user)
    app = open_page(CHECKIN, ann, query={"c": str(event), "t": poster_token(event)})
    text = panel_text(app, "amber")
    assert "Held for review" in text and "the event was already full when you checked in" in text
    assert "check out when you leave" in text
    assert app.button(key="check_out").label == "Check out now"


def test_the_admins_count_is_every_item_listed_claims_and_held_check_ins(make_user, open_page):
    event, _, ann = held_at_a_full_event(make_user)
    scan(ann.id, event, now=utcnow())
    admin, rita = make_user("boss", role="admin"), make_user("rita")
    claim_id = pending_claim(rita.id)
    app = open_page(REVIEW, admin, lang="zh")
    [heading] = [header.value for header in app.subheader if header.value.startswith("待您审核")]
    picks = [box for box in app.checkbox if box.key.startswith("pick_")]
    assert heading == f"待您审核（{len(picks)}）" == "待您审核（2）"
    assert {box.key for box in picks} == {f"pick_{claim_id}", f"pick_checkin_{checkin_id(ann)}"}
    assert any("待审核原因：您签到时活动名额已满" in caption.value for caption in app.caption)


def test_the_admin_approves_a_held_check_in_from_the_queue(make_user, open_page):
    event, _, ann = held_at_a_full_event(make_user)
    scan(ann.id, event, now=utcnow())
    admin = make_user("boss", role="admin")
    app = open_page(REVIEW, admin)
    app.checkbox(key=f"pick_checkin_{checkin_id(ann)}").check()
    next(button for button in app.button if button.label == "Approve selected").click().run()
    assert not app.exception
    assert "Waiting for your decision (0)" in [header.value for header in app.subheader]
    with read_session() as session:
        assert session.get(CheckIn, checkin_id(ann)).status == "open"


def checkin_id(user) -> int:
    with read_session() as session:
        return session.execute(select(CheckIn.id).where(CheckIn.user_id == user.id)).scalar_one()
