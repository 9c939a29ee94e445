"""Organisers manage their own checkpoints; residents sign up within capacity; attendance exports as CSV."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import AuditLog, Checkpoint
from points.checkin import checkpoints, closing
from points.common.errors import DomainError
from points.places.registry import load_places
from tests.support.checkin import START, load_city, make_checkpoint, scan


def refused(action, **kwargs) -> str:
    with pytest.raises(DomainError) as caught, write_session() as session:
        action(session, **kwargs)
    return caught.value.code


def test_create_publish_and_list_upcoming_with_audit(make_user):
    organizer = make_user("olga", role="organizer")
    draft = make_checkpoint(organizer.id, publish=False)
    with read_session() as session:
        assert checkpoints.list_upcoming(session, now=START) == []
    with write_session() as session:
        checkpoints.publish(session, actor_id=organizer.id, checkpoint_id=draft)
    with read_session() as session:
        assert [c.id for c in checkpoints.list_upcoming(session, now=START)] == [draft]
        assert checkpoints.list_upcoming(session, now=START + timedelta(hours=4)) == []
        actions = list(session.execute(select(AuditLog.action)).scalars())
    assert actions == ["checkpoint.create", "checkpoint.published"]


def test_a_place_supplies_the_coordinates(make_user):
    with write_session() as session:
        load_places(session)
    organizer = make_user("olga", role="organizer")
    checkpoint_id = make_checkpoint(organizer.id, place_id="baicheng_beach", lat=None, lon=None)
    with read_session() as session:
        checkpoint = session.get(Checkpoint, checkpoint_id)
        assert (checkpoint.lat, checkpoint.lon) == (24.43492, 118.0959)
        assert checkpoints.place_label(session, checkpoint=checkpoint, language="en") == "Baicheng Beach"


@pytest.mark.parametrize(("fields", "code"), [
    ({"title_en": ""}, "checkpoint_title_invalid"),
    ({"lat": 39.9, "lon": 116.4}, "checkpoint_location_invalid"),
    ({"ends_at": START}, "checkpoint_window_invalid"),
    ({"capacity": 0}, "checkpoint_number_invalid"),
    ({"place_id": "nowhere"}, "checkpoint_place_unknown"),
])
def test_bad_input_is_refused_and_writes_nothing(make_user, fields, code):
    organizer = make_user("olga", role="organizer")
    values = {"title_zh": "清洁", "title_en": "Clean-up", "starts_at": START, "ends_at": START + timedelta(hours=2),
              "lat": 24.46, "lon": 118.08, **fields}
    assert refused(checkpoints.create_checkpoint, actor_id=organizer.id, kind="event", **values) == code
    with read_session() as session:
        assert session.execute(select(Checkpoint)).first() is None


def test_residents_cannot_create_and_organisers_cannot_touch_others_checkpoints(make_user):
    olga, oscar = make_user("olga", role="organizer"), make_user("oscar", role="organizer")
    resident = make_user("ann")
    assert refused(checkpoints.create_checkpoint, actor_id=resident.id, kind="event", title_zh="x",
                   title_en="x", starts_at=START, ends_at=START + timedelta(hours=1), lat=24.46,
                   lon=118.08) == "forbidden"
    event = make_checkpoint(olga.id)
    assert refused(checkpoints.update_checkpoint, actor_id=oscar.id, checkpoint_id=event,
                   title_en="Mine now") == "forbidden"
    assert refused(checkpoints.attendance, actor_id=oscar.id, checkpoint_id=event) == "forbidden"


def test_edit_then_close_then_no_more_edits(make_user):
    organizer = make_user("olga", role="organizer")
    event = make_checkpoint(organizer.id)
    with write_session() as session:
        checkpoints.update_checkpoint(session, actor_id=organizer.id, checkpoint_id=event, title_en="Shore clean-up")
        closing.close(session, actor_id=organizer.id, checkpoint_id=event, now=START)
    assert refused(checkpoints.update_checkpoint, actor_id=organizer.id, checkpoint_id=event,
                   title_en="Again") == "checkpoint_closed"
    with read_session() as session:
        assert session.get(Checkpoint, event).title_en == "Shore clean-up"


def test_sign_up_once_within_capacity(make_user):
    organizer, ann, bob = make_user("olga", role="organizer"), make_user("ann"), make_user("bob")
    event = make_checkpoint(organizer.id, capacity=1)
    with write_session() as session:
        assert checkpoints.sign_up(session, user_id=ann.id, checkpoint_id=event, now=START - timedelta(days=1))
        assert not checkpoints.sign_up(session, user_id=ann.id, checkpoint_id=event, now=START - timedelta(days=1))
    assert refused(checkpoints.sign_up, user_id=bob.id, checkpoint_id=event,
                   now=START - timedelta(days=1)) == "checkin_full"
    with read_session() as session:
        assert [e.id for e in checkpoints.my_events(session, user_id=ann.id)] == [event]
        assert checkpoints.my_events(session, user_id=bob.id) == []


def test_attendance_csv_lists_check_ins_and_defuses_formulas(make_user):
    load_city()
    organizer = make_user("olga", role="organizer")
    ann = make_user("ann", display_name="=HYPERLINK(\"http://evil\")")
    event = make_checkpoint(organizer.id)
    scan(ann.id, event, now=START)
    with read_session() as session:
        text = checkpoints.attendance_csv(session, actor_id=organizer.id, checkpoint_id=event)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["username"], row["display_name"], row["status"]) for row in rows] == [
        ("ann", "'=HYPERLINK(\"http://evil\")", "open")]
    assert rows[0]["checked_in_at"] == START.isoformat()
