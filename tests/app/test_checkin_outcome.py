"""The check-in outcome a volunteer sees, in Chinese: one panel per result, its colour (the panel's key) and its
heading and next step in words, so colour never speaks alone."""
from datetime import timedelta

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from db.engine import write_session
from db.models import CheckIn
from points.checkin import checkpoints
from points.checkin.tokens import kiosk_token, poster_token
from points.common.clock import city_zone, utcnow
from points.review.held import decide_checkin
from tests.support.checkin import load_city, make_checkpoint, points_of, scan

CHECKIN = "pages/public/checkin.py"
TONES = ("green", "amber", "red")


def panel_of(app) -> tuple[str, str]:
    """(tone, every text inside the one outcome panel the page drew)."""
    drawn = [tone for tone in TONES if any(block.key == f"checkin_outcome_{tone}" for block in app.container)]
    assert len(drawn) == 1, f"one outcome panel expected, got {drawn}"
    panel = app.container(key=f"checkin_outcome_{drawn[0]}")
    return drawn[0], " ".join(str(element.value) for element in panel if hasattr(element, "value"))


def event(organizer, **fields) -> int:
    now = utcnow()
    return make_checkpoint(organizer.id, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2),
                           **fields)


def trailhead(organizer) -> int:
    now = utcnow()
    return make_checkpoint(organizer.id, kind="trailhead", starts_at=now - timedelta(hours=1),
                           ends_at=now + timedelta(days=1))


def credited(organizer, ann, make_user):
    return trailhead(organizer), None


def already(organizer, ann, make_user):
    trail = trailhead(organizer)
    scan(ann.id, trail, now=utcnow())
    return trail, None


def checked_in(organizer, ann, make_user):
    return event(organizer), None


def held_over_capacity(organizer, ann, make_user):
    full = event(organizer, capacity=1)
    with write_session() as session:
        checkpoints.sign_up(session, user_id=ann.id, checkpoint_id=full)
    scan(make_user("bob").id, full, now=utcnow())
    return full, None


def tomorrow_on_the_hour():
    return (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


def not_started(organizer, ann, make_user):
    start = tomorrow_on_the_hour()
    return make_checkpoint(organizer.id, starts_at=start, ends_at=start + timedelta(hours=2)), None


def full(organizer, ann, make_user):
    crowded = event(organizer, capacity=1)
    scan(make_user("bob").id, crowded, now=utcnow())
    return crowded, None


def forged(organizer, ann, make_user):
    trail = trailhead(organizer)
    genuine = poster_token(trail)
    return trail, genuine[:-1] + ("A" if genuine[-1] != "A" else "B")


def expired(organizer, ann, make_user):
    kiosk = event(organizer, rotating=True)
    return kiosk, kiosk_token(kiosk, now=utcnow() - timedelta(minutes=5))


def ended(organizer, ann, make_user):
    now = utcnow()
    return make_checkpoint(organizer.id, starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=2)), None


def rejected(organizer, ann, make_user):
    full_event, _ = held_over_capacity(organizer, ann, make_user)
    scan(ann.id, full_event, now=utcnow())
    admin = make_user("ada", role="admin")
    with write_session() as session:
        checkin_id = session.execute(select(CheckIn.id).where(CheckIn.user_id == ann.id)).scalar_one()
        decide_checkin(session, actor_id=admin.id, checkin_id=checkin_id, approve=False, reason="not seen")
    return full_event, None


CASES = [
    (credited, "green", ["签到成功：70 积分", "无需其他操作"]),
    (already, "green", ["已签到过", "不会重复发放积分", "请出示此页面"]),
    (checked_in, "green", ["签到成功", "离开时请再次扫码"]),
    (held_over_capacity, "amber", ["待人工审核", "**原因**：", "活动名额已满", "离开时签退"]),
    (not_started, "amber", ["签到尚未开始", "签到开放后再扫码"]),
    (full, "amber", ["活动名额已满", "报名其他活动"]),
    (forged, "red", ["二维码无效", "索取新的二维码"]),
    (expired, "red", ["二维码已过期", "每 30 秒更新一次"]),
    (ended, "red", ["签到已结束", "请联系组织者"]),
    (rejected, "red", ["签到未通过审核", "不发放积分"]),
]


@pytest.mark.parametrize(("arrange", "tone", "words"), CASES, ids=[case[0].__name__ for case in CASES])
def test_each_result_has_its_colour_heading_and_next_step(make_user, open_page, arrange, tone, words):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    checkpoint_id, token = arrange(organizer, ann, make_user)
    app = open_page(CHECKIN, ann, lang="zh", query={"c": str(checkpoint_id), "t": token or poster_token(checkpoint_id)})
    assert not app.exception
    drawn, text = panel_of(app)
    assert drawn == tone
    for word in words:
        assert word in text
    assert "**" not in app.title[0].value and app.title[0].value in text  # the panel's heading is the page's h1


def test_not_started_says_when_to_come_back(make_user, open_page):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    checkpoint_id, _ = not_started(organizer, ann, make_user)
    app = open_page(CHECKIN, ann, query={"c": str(checkpoint_id), "t": poster_token(checkpoint_id)})
    _, text = panel_of(app)
    opens = (tomorrow_on_the_hour() - timedelta(minutes=15)).astimezone(city_zone())
    assert f"Come back at {format_datetime(opens, format='short', locale='en_GB', tzinfo=city_zone())}" in text
    assert points_of(ann.id) == 0
